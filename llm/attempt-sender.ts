import type Anthropic from "@anthropic-ai/sdk";
import type { Tracer } from "@opentelemetry/api";
import { globalTracer } from "../bus/tracing/tracing.ts";
import { startModelCallSpan, type ModelCallSpan, type ModelServer } from "./model-call-span.ts";
import type { Message, MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import { BusError, ModelError } from "../errors/asp-error.ts";
import type { Logger } from "../logging/logger.ts";
import type { SecretScrubber } from "../logging/secret-scrubber.ts";
import type { LlmCallRecord } from "../schemas/llm-call.ts";
import { identityHeaders, type CallIdentity } from "./call-identity.ts";
import type { ModelRateLimiter } from "./fleet-rate-limit/types.ts";
import { costOf } from "./pricing.ts";
import { estimateInputTokens } from "./prompt-blocks.ts";
import { backoffDelay, classifyFailure, type BackoffSettings } from "./retry-policy.ts";
import { loadAnthropicSdk } from "./anthropic-sdk.ts";

export interface BeforeCallInfo {
  agent: string;
  model: string;
  estimatedInputTokens: number;
  maxTokens: number;
}

export interface AttemptSenderDeps {
  /** The SDK client, made on the first call (the SDK is imported then, llm/anthropic-sdk.ts). */
  anthropic: () => Promise<Anthropic>;
  logger: Logger;
  clock: { now(): number };
  /** Rejects with the signal's reason when it is aborted during the wait. */
  sleep: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
  scrubber: SecretScrubber;
  streaming: boolean;
  maxAttempts: number;
  timeoutMs: number;
  backoff: BackoffSettings;
  beforeCall?: (info: BeforeCallInfo) => void | Promise<void>;
  /** The fleet-wide limit per model; absent, each process only backs off on its own. */
  rateLimiter?: ModelRateLimiter;
  /** Model call spans (GenAI conventions, llm/model-call-span.ts); the API's global tracer when absent. */
  tracer?: Tracer;
  /** The model server's address and port, for the spans' server.* attributes. */
  server?: ModelServer;
}

/** One logical call (a structured answer or a whole file): its attempts share one numbering. */
export interface CallScope {
  identity: CallIdentity;
  model: string;
  purpose: LlmCallRecord["purpose"];
  /** Receives every attempt's record, in order. */
  record: (record: LlmCallRecord) => Promise<void>;
  attempts: number;
  /** Aborted when the call is abandoned (its job cancelled, timed out or handed back): the SDK drops the connection. */
  signal?: AbortSignal | undefined;
}

const maximumErrorMessageLength = 500;

/**
 * Sends one request, retrying transient failures itself (the SDK's own retries are off)
 * so that every HTTP attempt is seen, priced and recorded as one llm.call.
 */
export async function sendWithRetries(deps: AttemptSenderDeps, scope: CallScope, params: MessageCreateParamsNonStreaming): Promise<Message> {
  const span = startModelCallSpan(deps.tracer ?? globalTracer(), {
    scope,
    maxTokens: params.max_tokens,
    streaming: deps.streaming,
    ...(deps.server ? { server: deps.server } : {}),
  });
  try {
    return await sendAttempts(deps, scope, params, span);
  } catch (error) {
    span.failed(error);
    throw error;
  } finally {
    span.end();
  }
}

async function sendAttempts(deps: AttemptSenderDeps, scope: CallScope, params: MessageCreateParamsNonStreaming, span: ModelCallSpan): Promise<Message> {
  const { signal } = scope;
  // The SDK aborts the HTTP request (or the stream) with the signal: the server sees the client leave.
  const options = { headers: identityHeaders(scope.identity), timeout: deps.timeoutMs, maxRetries: 0, ...(signal ? { signal } : {}) };
  const estimatedInputTokens = estimateInputTokens(params);
  for (let tries = 1; ; tries += 1) {
    if (signal?.aborted) throw abandoned(scope, signal.reason);
    // May throw (a spent budget): the request is then never sent and nothing is recorded.
    await deps.beforeCall?.({ agent: scope.identity.agent, model: scope.model, estimatedInputTokens, maxTokens: params.max_tokens });
    // Waits until the fleet's window for this model has room and no retry-after pause holds it.
    const reservation = await deps.rateLimiter
      ?.reserve(scope.model, { requests: 1, inputTokens: estimatedInputTokens, outputTokens: params.max_tokens }, signal)
      .catch((error: unknown) => {
        if (signal?.aborted) throw abandoned(scope, signal.reason);
        // Nothing was sent; the job is retried (a bus that is away for a moment) rather than calling unlimited.
        throw new BusError(`could not reserve model ${scope.model} in the fleet-wide rate limit: ${(error as Error).message}`, {
          cause: error,
          details: { agent: scope.identity.agent, model: scope.model },
        });
      });
    scope.attempts += 1;
    const attempt = scope.attempts;
    const started = deps.clock.now();
    try {
      const anthropic = await deps.anthropic();
      const message = deps.streaming
        ? await anthropic.messages.stream(params, options).finalMessage()
        : await anthropic.messages.create(params, options);
      await reservation?.settle(usedByRateLimit(message));
      const record = successRecord(scope, attempt, message, Math.max(0, deps.clock.now() - started), deps.streaming);
      span.attempt(record);
      span.answered(message, tries);
      await span.within(() => scope.record(record));
      return message;
    } catch (error) {
      await reservation?.settle(undefined);
      // Loaded already unless the import itself failed; then nothing here is an SDK error.
      const failure = classifyFailure(error, await loadAnthropicSdk().catch(() => undefined));
      const message = deps.scrubber.scrub(failure.message).slice(0, maximumErrorMessageLength);
      const record: LlmCallRecord = {
        ...emptyRecord(scope, attempt, deps.streaming),
        latencyMs: Math.max(0, deps.clock.now() - started),
        errorCode: failure.code,
        errorMessage: message,
      };
      span.attempt(record, failure.retryable && tries < deps.maxAttempts);
      await span.within(() => scope.record(record));
      const context = { agent: scope.identity.agent, model: scope.model, file: scope.identity.file, attempt, tries, code: failure.code, status: failure.status };
      // Every 429 with a retry-after pauses the whole fleet's calls to the model, even when this call gives up.
      const paused = failure.code === "rate_limited" && failure.retryAfterMs !== undefined && (await pauseFleet(deps, scope.model, backoffDelay(failure, tries + 1, deps.backoff), context));
      if (!failure.retryable || tries >= deps.maxAttempts) {
        deps.logger.warn(context, "model call failed, no attempts left");
        throw new ModelError(`Model call for agent "${scope.identity.agent}" failed after ${tries} attempt(s): ${failure.code}: ${message}`, {
          code: `model_${failure.code}`,
          retryable: failure.retryable,
          details: { agent: scope.identity.agent, model: scope.model, attempts: tries, status: failure.status, file: scope.identity.file },
        });
      }
      // The next reserve() waits out the pause with everyone else, with jitter.
      if (paused) continue;
      const delay = backoffDelay(failure, tries + 1, deps.backoff);
      deps.logger.info({ ...context, delayMs: delay }, "model call failed, retrying");
      await deps.sleep(delay, signal).catch((sleepError: unknown) => {
        throw signal?.aborted ? abandoned(scope, signal.reason) : sleepError;
      });
    }
  }
}

async function pauseFleet(deps: AttemptSenderDeps, model: string, durationMs: number, context: Record<string, unknown>): Promise<boolean> {
  if (!deps.rateLimiter) return false;
  try {
    await deps.rateLimiter.pause(model, durationMs);
    deps.logger.info({ ...context, pauseMs: durationMs }, "model call rate limited; the fleet pauses the model");
    return true;
  } catch (error) {
    deps.logger.warn({ ...context, err: error }, "could not pause the model fleet-wide; waiting here alone");
    return false;
  }
}

/** What the limit counts of a finished call: every input token (cached or not, decision 1081) and the output. */
function usedByRateLimit(message: Message) {
  const usage = message.usage;
  return {
    requests: 1,
    inputTokens: (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
    outputTokens: usage.output_tokens ?? 0,
  };
}

/** The call was given up before (or between) attempts: nothing more is sent. */
function abandoned(scope: CallScope, reason: unknown): ModelError {
  const why = reason instanceof Error ? reason.message : String(reason ?? "aborted");
  return new ModelError(`Model call for agent "${scope.identity.agent}" was abandoned: ${why}`, {
    code: "model_aborted",
    retryable: false,
    cause: reason,
    details: { agent: scope.identity.agent, model: scope.model, file: scope.identity.file },
  });
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
