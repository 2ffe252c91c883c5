import type { AnthropicErrorClasses } from "./anthropic-sdk.ts";

/** What went wrong with one HTTP attempt, in the terms the layer retries and reports by. */
export interface AttemptFailure {
  code:
    | "overloaded"
    | "rate_limited"
    | "server_error"
    | "timeout"
    | "connection_error"
    | "stream_error"
    | "aborted"
    | "authentication_failed"
    | "bad_request"
    | "api_error";
  retryable: boolean;
  message: string;
  /** The server's retry-after, in milliseconds, when it sent one. */
  retryAfterMs: number | undefined;
  status: number | undefined;
}

const retryableStreamTypes = new Set(["overloaded_error", "api_error", "rate_limit_error", "timeout_error"]);

/**
 * Sorts an error thrown by the SDK (or by the stream it reads) into a failure code. The SDK's error
 * classes come in with it, as the SDK is loaded on the first call (llm/anthropic-sdk.ts); without
 * them (it could not be loaded) no error is one of the SDK's.
 */
export function classifyFailure(error: unknown, sdk: AnthropicErrorClasses | undefined): AttemptFailure {
  const message = error instanceof Error ? error.message : String(error);
  const base = { message, retryAfterMs: undefined, status: undefined };
  if (!sdk) return { ...base, code: "stream_error", retryable: true };
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = sdk;
  if (error instanceof APIUserAbortError) return { ...base, code: "aborted", retryable: false };
  if (error instanceof APIConnectionTimeoutError) return { ...base, code: "timeout", retryable: true };
  if (error instanceof APIConnectionError) return { ...base, code: "connection_error", retryable: true };
  if (error instanceof APIError) {
    const status = error.status;
    const retryAfterMs = retryAfterOf(error.headers);
    const withStatus = { message, retryAfterMs, status };
    if (status === undefined) {
      // An `event: error` inside a 200 stream: the API's overload and server errors arrive this way.
      const type = error.type ?? "";
      return { ...withStatus, code: type === "overloaded_error" ? "overloaded" : "stream_error", retryable: type === "" || retryableStreamTypes.has(type) };
    }
    if (status === 529) return { ...withStatus, code: "overloaded", retryable: true };
    if (status === 429) return { ...withStatus, code: "rate_limited", retryable: true };
    if (status === 408) return { ...withStatus, code: "timeout", retryable: true };
    if (status === 409) return { ...withStatus, code: "api_error", retryable: true };
    if (status >= 500) return { ...withStatus, code: "server_error", retryable: true };
    if (status === 401 || status === 403) return { ...withStatus, code: "authentication_failed", retryable: false };
    if (status === 400 || status === 404 || status === 413 || status === 422) return { ...withStatus, code: "bad_request", retryable: false };
    return { ...withStatus, code: "api_error", retryable: false };
  }
  // A socket dropped mid-stream or a malformed SSE chunk: the reply never completed, so try again.
  return { ...base, code: "stream_error", retryable: true };
}

export function retryAfterOf(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const seconds = Number.parseFloat(headers.get("retry-after") ?? "");
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return undefined;
}

export interface BackoffSettings {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The longest wait one timer can hold; the SDK bounds a retry-after the same way. */
export const longestTimerMs = 2 ** 31 - 1;

/**
 * The wait before attempt `nextAttempt`. The server's retry-after wins, whatever its length: the
 * server knows when it will take the call again, and waiting less only earns another 429. The job
 * runtime keeps the job alive meanwhile (working() heartbeats), and a caller that gives up aborts the
 * wait (the call's signal), so a long hint cannot hold a job past its caller's timeout (decision 1082).
 * Without a hint the wait is exponential from the base, capped at `maxDelayMs`.
 */
export function backoffDelay(failure: AttemptFailure, nextAttempt: number, settings: BackoffSettings): number {
  if (failure.retryAfterMs !== undefined) return Math.max(0, Math.min(failure.retryAfterMs, longestTimerMs));
  const exponential = settings.baseDelayMs * 2 ** Math.max(0, nextAttempt - 2);
  return Math.max(0, Math.min(exponential, settings.maxDelayMs));
}
