import type Anthropic from "@anthropic-ai/sdk";
import { loadAnthropicSdk } from "./anthropic-sdk.ts";
import type { Tracer } from "@opentelemetry/api";
import { modelServerOf } from "./model-call-span.ts";
import { ConfigError } from "../errors/asp-error.ts";
import type { Logger } from "../logging/logger.ts";
import { createSecretScrubber } from "../logging/secret-scrubber.ts";
import type { LlmCallRecord } from "../schemas/llm-call.ts";
import type { AttemptSenderDeps, BeforeCallInfo, CallScope } from "./attempt-sender.ts";
import type { CallIdentity } from "./call-identity.ts";
import { effortFor, modelFor, type ModelConfig } from "./config.ts";
import { effortToSend } from "./output-budget.ts";
import { abortableSleep } from "./fleet-rate-limit/abortable-sleep.ts";
import type { ModelRateLimiter } from "./fleet-rate-limit/types.ts";
import { requestStructured, type StructuredRequest, type StructuredResult } from "./structured-output.ts";
import { requestText, type TextRequest, type TextResult } from "./text-output.ts";
import { warnIfUnknownModel } from "./unknown-model.ts";

export interface ModelClientDeps {
  /** A ready SDK client; built from the config (maxRetries 0) when absent. */
  anthropic?: Anthropic;
  logger: Logger;
  clock: { now(): number };
  /** Must reject with the signal's reason when aborted (the default does). */
  sleep?: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
  /** The fleet-wide limit per model (llm/fleet-rate-limit); absent, the process backs off alone. */
  rateLimiter?: ModelRateLimiter;
  /** Every HTTP attempt's record, for every call of this client. */
  onCall?: (record: LlmCallRecord) => void | Promise<void>;
  /** Runs before each HTTP attempt; throwing (e.g. BudgetExceededError) stops the call unsent. */
  beforeCall?: (info: BeforeCallInfo) => void | Promise<void>;
  /** One span per model call with the GenAI attributes (llm/model-call-span.ts); the API's global tracer when absent. */
  tracer?: Tracer;
}

/** Per-call options beside the request itself. */
export interface CallOptions {
  /** Abort it to abandon the call: the SDK drops the connection, waits end, nothing more is sent. */
  signal?: AbortSignal | undefined;
}

export interface ModelClient {
  structured<T>(request: StructuredRequest<T> & CallOptions): Promise<StructuredResult<T>>;
  text(request: TextRequest & CallOptions): Promise<TextResult>;
  /** The model an agent's calls use. */
  modelFor(agent: string): string;
  /**
   * Does ahead what the first call would: imports the SDK and makes its client, and has node load its
   * HTTP client (undici), about 150 ms of CPU at an agent's first call otherwise (decision 1419).
   * Fakes need not have it.
   */
  warm?(): Promise<void>;
}

export function createModelClient(config: ModelConfig, deps: ModelClientDeps): ModelClient {
  const given = deps.anthropic;
  // Checked now, so a missing key stops the process at start-up; the client is made on the first call.
  const makeClient = given ? () => Promise.resolve(given) : anthropicFactory(config, deps.logger);
  let client: Promise<Anthropic> | undefined;
  // One client per model client; a failed import is not kept, so the next call tries again.
  const anthropic = () =>
    (client ??= makeClient().catch((error: unknown) => {
      client = undefined;
      throw error;
    }));
  const scrubber = createSecretScrubber([config.apiKey]);
  const sender: AttemptSenderDeps = {
    anthropic,
    logger: deps.logger,
    clock: deps.clock,
    sleep: deps.sleep ?? abortableSleep,
    scrubber,
    streaming: config.streaming,
    maxAttempts: config.maxAttempts,
    timeoutMs: config.timeoutMs,
    backoff: config.retry,
    ...(deps.beforeCall ? { beforeCall: deps.beforeCall } : {}),
    ...(deps.rateLimiter ? { rateLimiter: deps.rateLimiter } : {}),
    ...(deps.tracer ? { tracer: deps.tracer } : {}),
  };
  const server = modelServerOf(config.baseUrl);
  if (server) sender.server = server;
  const scopeFor = (identity: CallIdentity, model: string, purpose: LlmCallRecord["purpose"], onCall: ModelClientDeps["onCall"], calls: LlmCallRecord[], signal: AbortSignal | undefined): CallScope => ({
    identity,
    model,
    purpose,
    attempts: 0,
    signal,
    record: async (record) => {
      calls.push(record);
      for (const listener of [deps.onCall, onCall]) {
        if (!listener) continue;
        try {
          await listener(record);
        } catch (error) {
          // Telemetry that cannot be delivered must not fail a paid-for model call.
          deps.logger.warn({ err: error, agent: record.agent, attempt: record.attempt }, "llm.call listener failed");
        }
      }
    },
  });

  const resolveModel = (agent: string, requested: string | undefined): string => {
    const model = requested ?? modelFor(config, agent);
    warnIfUnknownModel(deps.logger, model);
    return model;
  };

  /** What every call of an agent shares besides its request: the model's output budget and effort. */
  const callSettings = (agent: string, model: string) => ({
    model,
    promptCaching: config.promptCaching,
    thinkingTokens: config.thinkingTokens,
    effort: effortToSend(model, effortFor(config, agent), deps.logger),
  });

  return {
    modelFor: (agent) => modelFor(config, agent),

    async warm() {
      await anthropic();
      // Node loads fetch's implementation when one of its classes is first used.
      new Headers();
    },

    async structured<T>({ signal, ...request }: StructuredRequest<T> & CallOptions): Promise<StructuredResult<T>> {
      const model = resolveModel(request.agent, request.model);
      const calls: LlmCallRecord[] = [];
      const identity: CallIdentity = { agent: request.agent, runId: request.runId, round: request.round };
      const scope = scopeFor(identity, model, "structured", request.onCall, calls, signal);
      const value = await requestStructured({ sender, scope, ...callSettings(request.agent, model), maxTokens: request.maxTokens ?? config.maxTokens.structured }, request);
      return { value, calls };
    },

    async text({ signal, ...request }: TextRequest & CallOptions): Promise<TextResult> {
      const model = resolveModel(request.agent, request.model);
      const calls: LlmCallRecord[] = [];
      const identity: CallIdentity = { agent: request.agent, file: request.file, runId: request.runId, round: request.round };
      const scope = scopeFor(identity, model, "text", request.onCall, calls, signal);
      const result = await requestText({ sender, scope, ...callSettings(request.agent, model), maxTokens: request.maxTokens ?? config.maxTokens.text }, request);
      return { ...result, calls };
    },
  };
}

/**
 * Makes the SDK client with its own retries off: this layer retries so every HTTP attempt is
 * visible and recorded. Credentials come only from the config, never the SDK's env lookup.
 * The config is checked at once; the SDK is imported when the client is first made.
 */
function anthropicFactory(config: ModelConfig, logger: Logger): () => Promise<Anthropic> {
  if (config.apiKey === undefined && config.baseUrl === undefined) {
    throw new ConfigError("ANTHROPIC_API_KEY is required to call the Anthropic API (or set ASP_LLM_BASE_URL to a local model server)", {
      details: { variable: "ANTHROPIC_API_KEY" },
    });
  }
  const sdkLogger = logger.child({ component: "anthropic-sdk" });
  return async () => new (await loadAnthropicSdk()).default({
    // A local server takes any key; a placeholder keeps the SDK from reading the environment.
    apiKey: config.apiKey ?? "local-model-server",
    ...(config.baseUrl !== undefined ? { baseURL: config.baseUrl } : {}),
    maxRetries: 0,
    timeout: config.timeoutMs,
    logLevel: "warn",
    logger: {
      error: (message: string, ...rest: unknown[]) => sdkLogger.error({ details: rest }, message),
      warn: (message: string, ...rest: unknown[]) => sdkLogger.warn({ details: rest }, message),
      info: (message: string, ...rest: unknown[]) => sdkLogger.info({ details: rest }, message),
      debug: (message: string, ...rest: unknown[]) => sdkLogger.debug({ details: rest }, message),
    },
  });
}
