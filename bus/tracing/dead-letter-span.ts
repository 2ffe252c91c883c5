import { context, SpanKind, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import type { JobMetadata } from "../headers.ts";
import { aspSpanKinds, spanAttributes, spanKindAttribute } from "./span-attributes.ts";
import { extractTraceContext } from "./trace-headers.ts";

/**
 * A job whose workers all died on it has no job span that saw the end: this short span, a child of the
 * job's publisher like each delivery's span, records the dead letter in the job's trace with status ERROR.
 */
export async function withDeadLetterSpan<T>(
  tracer: Tracer,
  job: { metadata: JobMetadata; headers: Record<string, string>; deliveries: number; reason: string; code: string },
  record: () => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(`dead letter ${job.metadata.agent}`, { kind: SpanKind.INTERNAL }, extractTraceContext(job.headers));
  if (span.isRecording()) {
    span.setAttributes({
      [spanKindAttribute]: aspSpanKinds.deadLetter,
      [spanAttributes.runId]: job.metadata.runId,
      [spanAttributes.jobId]: job.metadata.jobId,
      [spanAttributes.agent]: job.metadata.agent,
      [spanAttributes.attempt]: job.deliveries,
      [spanAttributes.errorType]: job.code,
    });
    span.addEvent("asp.job.dead_letter", { "asp.reason": job.reason, [spanAttributes.attempt]: job.deliveries });
    span.setStatus({ code: SpanStatusCode.ERROR, message: job.reason });
  }
  try {
    // Current while the dead-letter event and error result go out, so they carry this span's context.
    return await context.with(trace.setSpan(context.active(), span), record);
  } finally {
    span.end();
  }
}
