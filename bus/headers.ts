import { headers as createHeaders, type MsgHdrs } from "nats";
import { ValidationError } from "../errors/index.ts";
import type { JobAddress } from "./job-address.ts";
import { jobIdPattern } from "./job-ids.ts";

/** Header names the runtime reads and writes. Ids travel in headers so a body never needs parsing to route it. */
export const headerNames = {
  runId: "Asp-Run-Id",
  taskId: "Asp-Task-Id",
  traceId: "Asp-Trace-Id",
  agent: "Asp-Agent",
  attempt: "Asp-Attempt",
  jobId: "Asp-Job-Id",
  payloadRef: "Asp-Payload-Ref",
  contentType: "Asp-Content-Type",
  errorCode: "Asp-Error-Code",
  /** Set by NATS micro services on an error reply; we use the same on error results. */
  serviceError: "Nats-Service-Error",
  serviceErrorCode: "Nats-Service-Error-Code",
  messageId: "Nats-Msg-Id",
} as const;

/** A job's address with what travels alongside it in the headers. */
export interface JobMetadata extends JobAddress {
  taskId?: string;
  traceId: string;
  attempt: number;
}

/** Case-insensitive copy of message headers (first value of each), so callers never depend on canonicalisation. */
export function headersToRecord(headers: MsgHdrs | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (!headers) return record;
  for (const key of headers.keys()) record[key] = headers.get(key);
  return record;
}

export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  if (name in headers) return headers[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function recordToHeaders(record: Record<string, string>, into: MsgHdrs = createHeaders()): MsgHdrs {
  for (const [key, value] of Object.entries(record)) into.set(key, value);
  return into;
}

export function jobMetadataToHeaders(metadata: JobMetadata): Record<string, string> {
  const record: Record<string, string> = {
    [headerNames.runId]: metadata.runId,
    [headerNames.traceId]: metadata.traceId,
    [headerNames.jobId]: metadata.jobId,
    [headerNames.agent]: metadata.agent,
    [headerNames.attempt]: String(metadata.attempt),
  };
  if (metadata.taskId) record[headerNames.taskId] = metadata.taskId;
  return record;
}

/** Run id under which jobs that carry no usable ids are reported (a valid token no real run uses). */
export const unaddressableRunId = "_unaddressable";

/** Reads the ids of a job; a message without them cannot be answered, so that is a validation error. */
export function readJobMetadata(headers: Record<string, string>, fallback: Partial<JobMetadata> = {}): JobMetadata {
  const runId = headerValue(headers, headerNames.runId) ?? fallback.runId;
  const jobId = headerValue(headers, headerNames.jobId) ?? fallback.jobId;
  const agent = headerValue(headers, headerNames.agent) ?? fallback.agent;
  const missing = [!runId && headerNames.runId, !jobId && headerNames.jobId, !agent && headerNames.agent].filter(Boolean);
  if (missing.length > 0) throw new ValidationError(`job message is missing header(s) ${missing.join(", ")}`);
  // The ids become subject tokens (results, events); a dot or wildcard there would break routing.
  for (const [name, value] of [[headerNames.runId, runId], [headerNames.jobId, jobId], [headerNames.agent, agent]] as const) {
    if (!jobIdPattern.test(value!)) throw new ValidationError(`job message header ${name} is not a valid id (letters, digits, '-' and '_', at most 200)`);
  }
  const attemptText = headerValue(headers, headerNames.attempt);
  const attempt = attemptText && /^\d+$/.test(attemptText) ? Number(attemptText) : (fallback.attempt ?? 1);
  return {
    runId: runId!,
    jobId: jobId!,
    agent: agent!,
    traceId: headerValue(headers, headerNames.traceId) ?? fallback.traceId ?? jobId!,
    taskId: headerValue(headers, headerNames.taskId) ?? fallback.taskId,
    attempt,
  };
}
