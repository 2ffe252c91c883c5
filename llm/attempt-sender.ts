import type Anthropic from "@anthropic-ai/sdk";
import type { Message, MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import { ModelError } from "../errors/asp-error.ts";
import type { Logger } from "../logging/logger.ts";
import type { SecretScrubber } from "../logging/secret-scrubber.ts";
import type { LlmCallRecord } from "../schemas/llm-call.ts";
import { identityHeaders, type CallIdentity } from "./call-identity.ts";
import { costOf } from "./pricing.ts";
import { estimateInputTokens } from "./prompt-blocks.ts";
import { backoffDelay, classifyFailure, type BackoffSettings } from "./retry-policy.ts";

export interface BeforeCallInfo {
  agent: string;
  model: string;
  estimatedInputTokens: number;
  maxTokens: number;
}

export interface AttemptSenderDeps {
  anthropic: Anthropic;
  logger: Logger;
  clock: { now(): number };
  sleep: (milliseconds: number) => Promise<void>;
  scrubber: SecretScrubber;
  streaming: boolean;
  maxAttempts: number;
  timeoutMs: number;
  backoff: BackoffSettings;
  beforeCall?: (info: BeforeCallInfo) => void | Promise<void>;
}

/** One logical call (a structured answer or a whole file): its attempts share one numbering. */
export interface CallScope {
  identity: CallIdentity;
  model: string;
  purpose: LlmCallRecord["purpose"];
  /** Receives every attempt's record, in order. */
  record: (record: LlmCallRecord) => Promise<void>;
  attempts: number;
}

const maximumErrorMessageLength = 500;

/**
 * Sends one request, retrying transient failures itself (the SDK's own retries are off)
 * so that every HTTP attempt is seen, priced and recorded as one llm.call.
 */
export async function sendWithRetries(deps: AttemptSenderDeps, scope: CallScope, params: MessageCreateParamsNonStreaming): Promise<Message> {
  const options = { headers: identityHeaders(scope.identity), timeout: deps.timeoutMs, maxRetries: 0 };
  for (let tries = 1; ; tries += 1) {
    // May throw (a spent budget): the request is then never sent and nothing is recorded.
    await deps.beforeCall?.({
      agent: scope.identity.agent,
      model: scope.model,
      estimatedInputTokens: estimateInputTokens(params),
      maxTokens: params.max_tokens,
    });
    scope.attempts += 1;
    const attempt = scope.attempts;
    const started = deps.clock.now();
    try {
      const message = deps.streaming
        ? await deps.anthropic.messages.stream(params, options).finalMessage()
        : await deps.anthropic.messages.create(params, options);
      await scope.record(successRecord(scope, attempt, message, Math.max(0, deps.clock.now() - started), deps.streaming));
      return message;
    } catch (error) {
      const failure = classifyFailure(error);
      const message = deps.scrubber.scrub(failure.message).slice(0, maximumErrorMessageLength);
      await scope.record({
        ...emptyRecord(scope, attempt, deps.streaming),
        latencyMs: Math.max(0, deps.clock.now() - started),
        errorCode: failure.code,
        errorMessage: message,
      });
      const context = { agent: scope.identity.agent, model: scope.model, file: scope.identity.file, attempt, tries, code: failure.code, status: failure.status };
      if (!failure.retryable || tries >= deps.maxAttempts) {
        deps.logger.warn(context, "model call failed, no attempts left");
        throw new ModelError(`Model call for agent "${scope.identity.agent}" failed after ${tries} attempt(s): ${failure.code}: ${message}`, {
          code: `model_${failure.code}`,
          retryable: failure.retryable,
          details: { agent: scope.identity.agent, model: scope.model, attempts: tries, status: failure.status, file: scope.identity.file },
        });
      }
      const delay = backoffDelay(failure, tries + 1, deps.backoff);
      deps.logger.info({ ...context, delayMs: delay }, "model call failed, retrying");
      await deps.sleep(delay);
    }
  }
}

function emptyRecord(scope: CallScope, attempt: number, streaming: boolean): LlmCallRecord {
  return {
    agent: scope.identity.agent,
    model: scope.model,
    purpose: scope.purpose,
    attempt,
    ok: false,
    stopReason: null,
    inputTokens: 0,
    outputTokens: 0,
    cacheWriteTokens: 0,
    cacheReadTokens: 0,
    costUsd: 0,
    latencyMs: 0,
    streaming,
    ...(scope.identity.file !== undefined ? { file: scope.identity.file } : {}),
  };
}

function successRecord(scope: CallScope, attempt: number, message: Message, latencyMs: number, streaming: boolean): LlmCallRecord {
  const usage = message.usage;
  const tokens = {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteOneHourTokens: usage.cache_creation?.ephemeral_1h_input_tokens ?? 0,
  };
  // Priced by the model that answered, which is what is billed.
  const cost = costOf(message.model || scope.model, tokens);
  const { cacheWriteOneHourTokens: _oneHour, ...counted } = tokens;
  return {
    ...emptyRecord(scope, attempt, streaming),
    ...counted,
    ok: true,
    stopReason: message.stop_reason ?? null,
    costUsd: cost.usd,
    // A model without a price is billed at the default: the figure is an estimate, and says so.
    ...(cost.priceKnown ? {} : { estimated: true }),
    latencyMs,
  };
}
