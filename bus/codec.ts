import type { ZodType } from "zod";
import { z } from "zod";
import { ValidationError } from "../errors/index.ts";

export interface EncodedPayload {
  data: Uint8Array;
  headers?: Record<string, string>;
}

export type SafeResult<T> = { success: true; value: T } | { success: false; error: ValidationError };

/**
 * How one message type crosses the bus. Validation happens on BOTH sides: a publisher that
 * produces bad output fails at its own boundary, not in some consumer later.
 */
export interface Codec<T> {
  readonly contentType: string;
  encode(value: T): EncodedPayload;
  decode(data: Uint8Array, headers?: Record<string, string>): T;
  safeEncode(value: unknown): SafeResult<EncodedPayload>;
  safeDecode(data: Uint8Array, headers?: Record<string, string>): SafeResult<T>;
}

const encoder = new TextEncoder();
// fatal: a body that is not valid UTF-8 must fail loudly, not turn into replacement characters.
const decoder = new TextDecoder("utf-8", { fatal: true });

function safely<A extends unknown[], R>(run: (...args: A) => R): (...args: A) => SafeResult<R> {
  return (...args: A) => {
    try {
      return { success: true, value: run(...args) };
    } catch (error) {
      if (error instanceof ValidationError) return { success: false, error };
      return { success: false, error: new ValidationError(String((error as Error)?.message ?? error), { cause: error }) };
    }
  };
}

function issuesError(what: string, error: z.ZodError): ValidationError {
  const summary = error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
  return new ValidationError(`${what}: ${summary}`, { details: { issues: error.issues } });
}

export function isCodec<T>(value: Codec<T> | ZodType<T>): value is Codec<T> {
  // Zod 4 schemas also have encode/decode methods, so look for what only a Codec has.
  const candidate = value as Partial<Codec<T>>;
  return typeof candidate.contentType === "string" && typeof candidate.safeDecode === "function";
}

export function toCodec<T>(value: Codec<T> | ZodType<T>): Codec<T> {
  return isCodec(value) ? value : jsonCodec(value);
}

export function jsonCodec<T>(schema: ZodType<T>): Codec<T> {
  const encode = (value: T): EncodedPayload => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw issuesError("outgoing message fails its schema", parsed.error);
    return { data: encoder.encode(JSON.stringify(parsed.data)) };
  };
  const decode = (data: Uint8Array): T => {
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(data));
    } catch (error) {
      throw new ValidationError(`incoming message is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw issuesError("incoming message fails its schema", parsed.error);
    return parsed.data;
  };
  return {
    contentType: "application/json",
    encode,
    decode,
    safeEncode: safely((value: unknown) => encode(value as T)),
    safeDecode: safely(decode),
  };
}

/** A body that is plain text, byte for byte (for file content: nothing is escaped anywhere). */
export const rawTextCodec: Codec<string> = (() => {
  const encode = (value: string): EncodedPayload => {
    if (typeof value !== "string") throw new ValidationError("raw text payload must be a string");
    return { data: encoder.encode(value) };
  };
  const decode = (data: Uint8Array): string => {
    try {
      return decoder.decode(data);
    } catch (error) {
      throw new ValidationError("raw text payload is not valid UTF-8", { cause: error });
    }
  };
  return {
    contentType: "text/plain; charset=utf-8",
    encode,
    decode,
    safeEncode: safely((value: unknown) => encode(value as string)),
    safeDecode: safely(decode),
  };
})();

export interface RawFile<M> {
  content: string;
  metadata: M;
}

const metadataPrefix = "Asp-Meta-";
const metadataKey = /^[A-Za-z0-9-]+$/;

/**
 * A file: raw UTF-8 bytes in the body, its metadata (path, language, ...) in headers, each
 * header URI-encoded because header values must stay on one ASCII line.
 */
export function rawFileCodec<M extends Record<string, string>>(metadataSchema: ZodType<M>): Codec<RawFile<M>> {
  const encode = (value: RawFile<M>): EncodedPayload => {
    const metadata = metadataSchema.safeParse(value?.metadata);
    if (!metadata.success) throw issuesError("outgoing file metadata fails its schema", metadata.error);
    const headers: Record<string, string> = {};
    for (const [key, text] of Object.entries(metadata.data)) {
      if (!metadataKey.test(key)) throw new ValidationError(`file metadata key "${key}" must be letters, digits or '-'`);
      headers[`${metadataPrefix}${key}`] = encodeURIComponent(String(text));
    }
    return { data: rawTextCodec.encode(value.content).data, headers };
  };
  const decode = (data: Uint8Array, headers: Record<string, string> = {}): RawFile<M> => {
    const raw: Record<string, string> = {};
    for (const [key, text] of Object.entries(headers)) {
      if (key.toLowerCase().startsWith(metadataPrefix.toLowerCase())) {
        raw[key.slice(metadataPrefix.length)] = safeDecodeUri(text);
      }
    }
    const metadata = metadataSchema.safeParse(raw);
    if (!metadata.success) throw issuesError("incoming file metadata fails its schema", metadata.error);
    return { content: rawTextCodec.decode(data), metadata: metadata.data };
  };
  return {
    contentType: "application/vnd.asp.file",
    encode,
    decode,
    safeEncode: safely((value: unknown) => encode(value as RawFile<M>)),
    safeDecode: safely(decode),
  };
}

function safeDecodeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ValidationError(`file metadata header value "${text}" is not URI-encoded`);
  }
}
