import type { IncomingMessage, ServerResponse } from "node:http";
import { carriesRetryAfter, errorBody, type ApiErrorReply } from "./api-errors.ts";

/** The API's own request size limit. */
const maximumBodyBytes = 32 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maximumBodyBytes) throw new BodyTooLargeError(`request body is larger than ${maximumBodyBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text).toString(),
  });
  response.end(text);
}

export function sendApiError(
  response: ServerResponse,
  error: ApiErrorReply,
  requestId: string,
  retryAfterSeconds: number,
): void {
  const headers: Record<string, string> = { "request-id": requestId };
  if (carriesRetryAfter(error)) headers["retry-after"] = String(retryAfterSeconds);
  // A 4xx other than 429 would fail the same way again; tell the SDK so, as the API does.
  headers["x-should-retry"] = error.status === 429 || error.status >= 500 ? "true" : "false";
  sendJson(response, error.status, errorBody(error), headers);
}

/** The caller's key, from either header the SDK may send. */
export function apiKeyOf(request: IncomingMessage): string | undefined {
  const key = request.headers["x-api-key"];
  if (typeof key === "string") return key;
  const authorization = request.headers.authorization;
  if (authorization?.startsWith("Bearer ")) return authorization.slice("Bearer ".length);
  return undefined;
}

export function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === "" ? undefined : text;
}
