import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from "@opentelemetry/api";
import type { Message } from "@anthropic-ai/sdk/resources/messages";
import type { LlmCallRecord } from "../schemas/llm-call.ts";
import type { CallScope } from "./attempt-sender.ts";
import { genAiAttributes, genAiValues, modelCallAttributes } from "./gen-ai-attributes.ts";

/** Where the model server is, for server.address and server.port. */
export interface ModelServer {
  address: string;
  port: number;
}

export function modelServerOf(baseUrl: string | undefined): ModelServer | undefined {
  try {
    const url = new URL(baseUrl ?? "https://api.anthropic.com");
    return { address: url.hostname, port: url.port ? Number(url.port) : url.protocol === "http:" ? 80 : 443 };
  } catch {
    // The model config reports a bad base URL; a span without server.* is no reason to fail earlier.
    return undefined;
  }
}

export interface ModelCallSpan {
  /** Runs `work` with this span current: the llm.call event it publishes carries the span's context. */
  within<T>(work: () => Promise<T>): Promise<T>;
  /** One HTTP attempt's record: a failure is an `exception` event with its attempt number; a success sets the usage. */
  attempt(record: LlmCallRecord, retryable?: boolean): void;
  answered(message: Message, attempts: number): void;
  failed(error: unknown): void;
  end(): void;
}

const nothing = () => undefined;
const untraced: ModelCallSpan = { within: (work) => work(), attempt: nothing, answered: nothing, failed: nothing, end: nothing };

/**
 * The span of one logical model call (one request and its retries, as the GenAI conventions ask: "the
 * span SHOULD cover the duration of the logical operation with all retries"). Its usage is the answered
 * attempt's, the one the llm.call events count: failed attempts carry no tokens, so the spans' sums and
 * the postmortem's agree.
 */
export function startModelCallSpan(tracer: Tracer, options: { scope: CallScope; maxTokens: number; streaming: boolean; server?: ModelServer }): ModelCallSpan {
  const { scope } = options;
  const span: Span = tracer.startSpan(`${genAiValues.operationChat} ${scope.model}`, { kind: SpanKind.CLIENT });
  if (!span.isRecording()) return untraced;
  span.setAttributes({
    "asp.span": "model_call",
    [genAiAttributes.operationName]: genAiValues.operationChat,
    [genAiAttributes.providerName]: genAiValues.providerAnthropic,
    [genAiAttributes.requestModel]: scope.model,
    [genAiAttributes.requestMaxTokens]: options.maxTokens,
    ...(options.streaming ? { [genAiAttributes.requestStream]: true } : {}),
    ...(options.server ? { [genAiAttributes.serverAddress]: options.server.address, [genAiAttributes.serverPort]: options.server.port } : {}),
    [modelCallAttributes.agent]: scope.identity.agent,
    [modelCallAttributes.purpose]: scope.purpose,
    ...(scope.identity.runId !== undefined ? { [modelCallAttributes.runId]: scope.identity.runId } : {}),
    ...(scope.identity.file !== undefined ? { [modelCallAttributes.file]: scope.identity.file } : {}),
    ...(scope.identity.round !== undefined ? { [modelCallAttributes.round]: scope.identity.round } : {}),
  });
  const active = trace.setSpan(context.active(), span);
  let costUsd = 0;
  let usageSet = false;
  return {
    within: (work) => context.with(active, work),
    attempt(record, retryable) {
      costUsd += record.costUsd;
      if (!record.ok) {
        span.addEvent("exception", {
          "exception.type": record.errorCode ?? "error",
          "exception.message": record.errorMessage ?? "model call failed",
          [genAiAttributes.errorType]: record.errorCode ?? "error",
          [modelCallAttributes.attempt]: record.attempt,
          ...(retryable !== undefined ? { "asp.retryable": retryable } : {}),
        });
        return;
      }
      usageSet = true;
      span.setAttributes({
        [genAiAttributes.usageInputTokens]: record.inputTokens + record.cacheReadTokens + record.cacheWriteTokens,
        [genAiAttributes.usageOutputTokens]: record.outputTokens,
        [genAiAttributes.usageCacheReadInputTokens]: record.cacheReadTokens,
        [genAiAttributes.usageCacheCreationInputTokens]: record.cacheWriteTokens,
        [genAiAttributes.usageCacheWriteInputTokens]: record.cacheWriteTokens,
        [modelCallAttributes.uncachedInputTokens]: record.inputTokens,
        [modelCallAttributes.attempt]: record.attempt,
        [modelCallAttributes.latencyMs]: record.latencyMs,
        ...(record.estimated ? { [modelCallAttributes.costEstimated]: true } : {}),
      });
    },
    answered(message, attempts) {
      span.setAttributes({
        [genAiAttributes.responseModel]: message.model,
        [genAiAttributes.responseId]: message.id,
        [genAiAttributes.responseFinishReasons]: [message.stop_reason ?? "error"],
        [modelCallAttributes.attempts]: attempts,
        [modelCallAttributes.costUsd]: costUsd,
      });
    },
    failed(error) {
      const code = (error as { code?: unknown }).code;
      // No attempt was answered: nothing was billed, and a sum over the spans counts it as zero, as the postmortem does.
      if (!usageSet) span.setAttributes({ [genAiAttributes.usageInputTokens]: 0, [genAiAttributes.usageOutputTokens]: 0 });
      span.setAttributes({ [genAiAttributes.errorType]: typeof code === "string" ? code : ((error as Error).name ?? "Error"), [modelCallAttributes.costUsd]: costUsd });
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    },
    end: () => span.end(),
  };
}
