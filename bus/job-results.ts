import type { JetStreamClient, JetStreamManager } from "nats";
import { retryTransient } from "./transient-retry.ts";
import { publishRetries } from "./publish-retries.ts";
import { isValidationClass, rebuildError, serializeError, type AspError, type SerializedError } from "../errors/index.ts";
import type { Codec } from "./codec.ts";
import type { JobAddress } from "./job-address.ts";
import { headerNames, headerValue, headersToRecord, recordToHeaders } from "./headers.ts";
import type { PayloadStore } from "./large-payload.ts";
import { isNotFound } from "./resources.ts";
import type { Subjects } from "./subjects.ts";
import { injectTraceContext } from "./tracing/trace-headers.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface StoredResult {
  data: Uint8Array;
  headers: Record<string, string>;
}

/**
 * The NATS micro convention: 400 for a request that can never succeed, 500 for a failure on our side.
 * Decided by the error's class, not one code string: file_too_large is as much a bad request as validation_failed.
 */
export function serviceErrorCode(error: SerializedError): number {
  return isValidationClass(error) ? 400 : 500;
}

/** Header values are one line; a long multi-line message is cut for the header (the body keeps it whole). */
export function headerSafe(text: string): string {
  return text.replace(/[\r\n]+/g, " ").slice(0, 512);
}

export function errorResultMessage(error: unknown): StoredResult {
  const serialized = serializeError(error);
  return {
    data: encoder.encode(JSON.stringify(serialized)),
    headers: {
      [headerNames.serviceError]: headerSafe(serialized.message),
      [headerNames.serviceErrorCode]: String(serviceErrorCode(serialized)),
      [headerNames.errorCode]: serialized.code,
    },
  };
}

/** The result of a job, stored in JetStream with the job id as message id: a second publish is dropped. */
export async function publishResult(
  js: JetStreamClient,
  subjects: Subjects,
  address: JobAddress,
  result: StoredResult,
): Promise<{ duplicate: boolean }> {
  // traceparent of the job's span (current while its worker answers): the caller's side links the reply to it.
  const headers = recordToHeaders(injectTraceContext({
    ...result.headers,
    [headerNames.runId]: address.runId,
    [headerNames.agent]: address.agent,
    [headerNames.jobId]: address.jobId,
  }));
  const acknowledgement = await js.publish(subjects.result(address.runId, address.agent, address.jobId), result.data, {
    ...publishRetries,
    msgID: address.jobId,
    headers,
  });
  return { duplicate: acknowledgement.duplicate };
}

export async function findStoredResult(
  jsm: JetStreamManager,
  subjects: Subjects,
  address: JobAddress,
): Promise<StoredResult | undefined> {
  try {
    const message = await retryTransient(() =>
      jsm.streams.getMessage(subjects.resultsStream, { last_by_subj: subjects.result(address.runId, address.agent, address.jobId) }),
    );
    return { data: message.data, headers: headersToRecord(message.header) };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function isErrorResult(headers: Record<string, string>): boolean {
  return headerValue(headers, headerNames.serviceErrorCode) !== undefined;
}

/** Rebuilds the remote failure as the class of its code, carrying the remote code, retryable flag and message. */
export function errorFromResult(result: StoredResult, where: string): AspError {
  let remote: Partial<Omit<SerializedError, "code">> & { code?: string } = {};
  try {
    remote = JSON.parse(decoder.decode(result.data)) as typeof remote;
  } catch {
    // an error reply from a foreign service may carry no JSON body; the headers still say enough
  }
  const message = remote.message ?? headerValue(result.headers, headerNames.serviceError) ?? "remote error";
  return rebuildError(
    { ...remote, code: remote.code ?? headerValue(result.headers, headerNames.errorCode) },
    {
      message: `${where}: ${message}`,
      details: { remoteName: remote.name, serviceErrorCode: headerValue(result.headers, headerNames.serviceErrorCode) },
    },
  );
}

/** Decodes a stored or received result: the output, or the remote error thrown. */
export async function decodeResult<O>(
  result: StoredResult,
  codec: Codec<O>,
  payloads: PayloadStore,
  where: string,
): Promise<O> {
  if (isErrorResult(result.headers)) throw errorFromResult(result, where);
  const body = await payloads.fromMessage(result.data, result.headers);
  return codec.decode(body, result.headers);
}
