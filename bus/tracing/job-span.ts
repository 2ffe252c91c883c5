import { SpanKind, SpanStatusCode, type Span, type Tracer } from "@opentelemetry/api";
import type { SerializedError } from "../../errors/index.ts";
import type { JobMetadata } from "../headers.ts";
import { aspSpanKinds, messagingSystemName, spanAttributes, spanKindAttribute } from "./span-attributes.ts";
import { extractTraceContext } from "./trace-headers.ts";

/** What the runtime tells a job's span as the job ends; each outcome is one call. */
export interface JobSpan {
  span: Span;
  completed(): void;
  /** A failure JetStream redelivers: the attempt failed (status ERROR), the job goes on. */
  retrying(error: SerializedError, retryInMs: number): void;
  /** The last failure: the job becomes a dead letter. */
  deadLetter(error: SerializedError, why: string): void;
  /** A failure that is answered at once with an error result, never retried (a body that does not decode). */
  rejected(error: SerializedError): void;
  /** Not finished here: a drain handed it back, its caller cancelled it, or its result is already stored. */
  released(outcome: "handed_back" | "cancelled" | "already_answered" | "result_not_stored"): void;
  end(): void;
}

function exceptionEvent(span: Span, error: SerializedError, attempt: number, extra: Record<string, string | number | boolean> = {}): void {
  // The conventions' exception event, with the attempt it belongs to: retries read as a list of failures on the job.
  span.addEvent("exception", {
    "exception.type": error.name,
    "exception.message": error.message,
    [spanAttributes.errorType]: error.code,
    [spanAttributes.attempt]: attempt,
    ...extra,
  });
}

/**
 * The span of one delivery of a job, a child of the context its publisher put in the headers, so a
 * job's span joins the tree of whoever asked for it, in whichever process that was. The orchestrator's
 * run job is marked as the run's span.
 */
export function startJobSpan(tracer: Tracer, options: { metadata: JobMetadata; headers: Record<string, string>; subject: string; instanceId: string; isRun: boolean }): JobSpan {
  const { metadata } = options;
  const parent = extractTraceContext(options.headers);
  const span = tracer.startSpan(options.isRun ? "run" : `process ${metadata.agent}`, { kind: SpanKind.CONSUMER }, parent);
  // With tracing off the span is the API's non-recording one: build no attributes for it.
  if (!span.isRecording()) return untraced(span);
  span.setAttributes({
    [spanKindAttribute]: options.isRun ? aspSpanKinds.run : aspSpanKinds.job,
    [spanAttributes.messagingSystem]: messagingSystemName,
    [spanAttributes.messagingOperationType]: "process",
    [spanAttributes.messagingOperationName]: "process",
    [spanAttributes.messagingDestinationName]: options.subject,
    [spanAttributes.messagingMessageId]: metadata.jobId,
    [spanAttributes.messagingDeliveryCount]: metadata.attempt,
    [spanAttributes.runId]: metadata.runId,
    [spanAttributes.jobId]: metadata.jobId,
    [spanAttributes.agent]: metadata.agent,
    [spanAttributes.attempt]: metadata.attempt,
    [spanAttributes.instance]: options.instanceId,
    [spanAttributes.correlationId]: metadata.traceId,
    ...(metadata.taskId ? { [spanAttributes.taskId]: metadata.taskId } : {}),
  });
  // A redelivery is a new span of the same job under the same parent; the event says why there is more than one.
  if (metadata.attempt > 1) span.addEvent("asp.job.redelivered", { [spanAttributes.attempt]: metadata.attempt });
  let ended = false;
  return {
    span,
    completed() {
      span.setAttribute(spanAttributes.outcome, "completed");
    },
    retrying(error, retryInMs) {
      exceptionEvent(span, error, metadata.attempt, { "asp.retry_in_ms": retryInMs });
      span.setAttributes({ [spanAttributes.outcome]: "retrying", [spanAttributes.errorType]: error.code });
      span.setStatus({ code: SpanStatusCode.ERROR, message: `attempt ${metadata.attempt} failed, retried: ${error.message}` });
    },
    deadLetter(error, why) {
      exceptionEvent(span, error, metadata.attempt);
      span.addEvent("asp.job.dead_letter", { "asp.reason": why, [spanAttributes.attempt]: metadata.attempt });
      span.setAttributes({ [spanAttributes.outcome]: "dead_letter", [spanAttributes.errorType]: error.code });
      span.setStatus({ code: SpanStatusCode.ERROR, message: `dead letter: ${error.message} (${why})` });
    },
    rejected(error) {
      exceptionEvent(span, error, metadata.attempt);
      span.setAttributes({ [spanAttributes.outcome]: "rejected", [spanAttributes.errorType]: error.code });
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    },
    released(outcome) {
      span.setAttribute(spanAttributes.outcome, outcome);
    },
    end() {
      if (ended) return;
      ended = true;
      span.end();
    },
  };
}

const nothing = () => undefined;
/** The job span when tracing is off: every outcome is a no-op. */
function untraced(span: Span): JobSpan {
  return { span, completed: nothing, retrying: nothing, deadLetter: nothing, rejected: nothing, released: nothing, end: nothing };
}
