import type { ZodType } from "zod";
import type { JobContext } from "../../bus/define-agent.ts";
import { ModelError } from "../../errors/index.ts";
import { costOf } from "../../llm/index.ts";
import type { LlmCallRecord } from "../../schemas/llm-call.ts";
import type { AgentDeps } from "./agent-deps.ts";

interface CallShape {
  agent: string;
  system: string;
  prompt: string;
  cachedContext?: string;
  maxTokens?: number;
}

/** Output a call is expected to write when it says nothing better: most replies here are far below max_tokens. */
export const expectedOutputTokens = 1024;

/**
 * What the next call is expected to cost: its whole prompt uncached, and the expected output (never
 * more than its max_tokens). Charging max_tokens instead would refuse almost every call of a small
 * budget; so a run may overshoot its budget by at most one call's output beyond the expectation.
 */
export function expectedCallCost(model: string, request: CallShape): number {
  const characters = request.system.length + request.prompt.length + (request.cachedContext?.length ?? 0);
  const outputTokens = Math.min(request.maxTokens ?? expectedOutputTokens, expectedOutputTokens);
  return costOf(model, { inputTokens: Math.ceil(characters / 4), outputTokens, cacheWriteTokens: 0, cacheReadTokens: 0 }).usd;
}

/**
 * The model as one job sees it: every call carries the run id (the model server routes by it),
 * is held to the run's budget before it is sent, and becomes an `llm.call` event of the run, so
 * the postmortem's totals are sums of events. The job's signal goes with it: a job cancelled,
 * timed out by its caller or handed back on a drain drops its model call (decision 1084).
 */
export function modelForJob(context: JobContext<AgentDeps>) {
  // Not awaited: the job runtime stores every event of a job before its result, so the next model
  // call (or the result) need not wait for this one's record to be acknowledged.
  const onCall = (record: LlmCallRecord) => void context.emit("llm.call", record);
  const { model, budget } = context.deps;
  const guard = async (request: CallShape) => {
    context.working();
    await budget.check(context.runId, expectedCallCost(model.modelFor(request.agent), request));
  };
  return {
    async structured<T>(request: CallShape & { schema: ZodType<T>; toolName: string; toolDescription?: string; validate?: (value: T) => string[] }) {
      await guard(request);
      try {
        const result = await model.structured({ ...request, runId: context.runId, onCall, signal: context.signal });
        return result.value;
      } catch (error) {
        throw retryableAsFreshJob(error);
      }
    },
    async text(request: CallShape & { file?: string; round?: number; allowEmpty?: boolean }) {
      await guard(request);
      return model.text({ ...request, runId: context.runId, onCall, signal: context.signal });
    },
  };
}

/**
 * The model layer gives up on a conversation after a few invalid structured replies, and rightly
 * does not retry it itself: re-asking the same conversation keeps the bad turns. A fresh job is a
 * fresh conversation, though, and a model that failed three times in a row (cut, then invalid,
 * then cut again) usually answers the next one; so the job is redelivered, within its maxDeliver.
 */
function retryableAsFreshJob(error: unknown): unknown {
  if (error instanceof ModelError && error.code === "structured_output_invalid" && !error.retryable) {
    return new ModelError(error.message, { code: error.code, retryable: true, cause: error, details: error.details });
  }
  return error;
}
