import { context, SpanKind, trace, type Tracer } from "@opentelemetry/api";
import { endSpanAfter } from "./end-span-after.ts";
import { aspSpanKinds, messagingSystemName, spanAttributes, spanKindAttribute } from "./span-attributes.ts";
import { injectTraceContext } from "./trace-headers.ts";

/**
 * Publishes a job inside a producer span and puts that span's context in the job's headers, so the
 * worker's span (bus/tracing/job-span.ts) is its child. JetStream redelivers a job with the headers it
 * was published with: every delivery of one job, the run job's included, joins the same trace.
 */
export async function withSubmitSpan<T>(
  tracer: Tracer,
  job: { agent: string; subject: string; runId: string; jobId: string },
  headers: Record<string, string>,
  publish: () => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(`send ${job.agent}`, { kind: SpanKind.PRODUCER });
  if (!span.isRecording()) return publish();
  span.setAttributes({
    [spanKindAttribute]: aspSpanKinds.submit,
    [spanAttributes.messagingSystem]: messagingSystemName,
    [spanAttributes.messagingOperationType]: "send",
    [spanAttributes.messagingOperationName]: "send",
    [spanAttributes.messagingDestinationName]: job.subject,
    [spanAttributes.messagingMessageId]: job.jobId,
    [spanAttributes.runId]: job.runId,
    [spanAttributes.jobId]: job.jobId,
    [spanAttributes.agent]: job.agent,
  });
  injectTraceContext(headers, trace.setSpan(context.active(), span));
  return endSpanAfter(span, publish);
}
