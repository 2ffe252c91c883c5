import type { Tracer } from "@opentelemetry/api";
import { endSpanAfter } from "../../bus/tracing/end-span-after.ts";
import { aspSpanKinds, spanAttributes, spanKindAttribute } from "../../bus/tracing/span-attributes.ts";
import { globalTracer } from "../../bus/tracing/tracing.ts";

/**
 * One round of one stage as a span of the run: the stage's job (and every job and model call under
 * it, in whichever process) is its descendant, because its context is current while the stage is requested.
 */
export async function withStageSpan<T>(
  tracer: Tracer | undefined,
  stage: { runId: string; stage: string; agent: string; round: number; resumed: boolean },
  work: () => Promise<T>,
): Promise<T> {
  const span = (tracer ?? globalTracer()).startSpan(`stage ${stage.stage}`);
  if (!span.isRecording()) return work();
  span.setAttributes({
    [spanKindAttribute]: aspSpanKinds.stage,
    [spanAttributes.runId]: stage.runId,
    [spanAttributes.stage]: stage.stage,
    [spanAttributes.agent]: stage.agent,
    [spanAttributes.round]: stage.round,
    "asp.resumed": stage.resumed,
  });
  return endSpanAfter(span, work);
}
