/**
 * OpenTelemetry GenAI semantic convention names (Development status) for a model call's span. Written
 * out, not imported: @opentelemetry/semantic-conventions keeps them in its large incubating entry point
 * and marks them as moved to the semantic-conventions-genai repository; tests/llm/gen-ai-attributes.test.ts
 * checks each against the package so a rename there is noticed here.
 */
export const genAiAttributes = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestStream: "gen_ai.request.stream",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  responseFinishReasons: "gen_ai.response.finish_reasons",
  /** Every input token, cached ones included (the convention's rule; Anthropic's input_tokens leaves them out). */
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
  usageCacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens",
  /** The name in @opentelemetry/semantic-conventions 1.45 … */
  usageCacheCreationInputTokens: "gen_ai.usage.cache_creation.input_tokens",
  /** … and in the semantic-conventions-genai repository since; both are set until one of them wins. */
  usageCacheWriteInputTokens: "gen_ai.usage.cache_write.input_tokens",
  errorType: "error.type",
  serverAddress: "server.address",
  serverPort: "server.port",
} as const;

export const genAiValues = {
  /** The Messages API is a chat completion in the conventions' terms. */
  operationChat: "chat",
  providerAnthropic: "anthropic",
} as const;

/** What the conventions have no name for: asp's price of the call, its attempts, what it was for. */
export const modelCallAttributes = {
  costUsd: "asp.cost_usd",
  costEstimated: "asp.cost_estimated",
  /** The tokens Anthropic bills as plain input: gen_ai.usage.input_tokens less the cache reads and writes. */
  uncachedInputTokens: "asp.usage.uncached_input_tokens",
  attempts: "asp.attempts",
  attempt: "asp.attempt",
  purpose: "asp.purpose",
  agent: "asp.agent",
  runId: "asp.run_id",
  file: "asp.file",
  round: "asp.round",
  latencyMs: "asp.latency_ms",
} as const;
