import { SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import * as incubating from "@opentelemetry/semantic-conventions/incubating";
import { beforeEach, describe, expect, it } from "vitest";
import { ModelError } from "../../errors/index.ts";
import { genAiAttributes, genAiValues } from "../../llm/gen-ai-attributes.ts";
import { modelServerOf, startModelCallSpan } from "../../llm/model-call-span.ts";
import type { LlmCallRecord } from "../../schemas/llm-call.ts";

const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("test");
const scope = { identity: { agent: "file-writer", file: "app.py", runId: "run-1", round: 1 }, model: "claude-sonnet-4-6", purpose: "text" as const, attempts: 0, record: async () => undefined };
const base: LlmCallRecord = { agent: "file-writer", model: "claude-sonnet-4-6", purpose: "text", attempt: 1, ok: false, stopReason: null, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0, latencyMs: 5, streaming: false };
const message = { id: "msg_1", model: "claude-sonnet-4-6", stop_reason: "end_turn" } as never;

beforeEach(() => exporter.reset());

describe("GenAI attribute names", () => {
  it("match @opentelemetry/semantic-conventions (incubating)", () => {
    expect(genAiAttributes.operationName).toBe(incubating.ATTR_GEN_AI_OPERATION_NAME);
    expect(genAiAttributes.providerName).toBe(incubating.ATTR_GEN_AI_PROVIDER_NAME);
    expect(genAiAttributes.requestModel).toBe(incubating.ATTR_GEN_AI_REQUEST_MODEL);
    expect(genAiAttributes.requestMaxTokens).toBe(incubating.ATTR_GEN_AI_REQUEST_MAX_TOKENS);
    expect(genAiAttributes.requestStream).toBe(incubating.ATTR_GEN_AI_REQUEST_STREAM);
    expect(genAiAttributes.responseModel).toBe(incubating.ATTR_GEN_AI_RESPONSE_MODEL);
    expect(genAiAttributes.responseId).toBe(incubating.ATTR_GEN_AI_RESPONSE_ID);
    expect(genAiAttributes.responseFinishReasons).toBe(incubating.ATTR_GEN_AI_RESPONSE_FINISH_REASONS);
    expect(genAiAttributes.usageInputTokens).toBe(incubating.ATTR_GEN_AI_USAGE_INPUT_TOKENS);
    expect(genAiAttributes.usageOutputTokens).toBe(incubating.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
    expect(genAiAttributes.usageCacheReadInputTokens).toBe(incubating.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
    expect(genAiAttributes.usageCacheCreationInputTokens).toBe(incubating.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS);
    expect(genAiValues.operationChat).toBe(incubating.GEN_AI_OPERATION_NAME_VALUE_CHAT);
    expect(genAiValues.providerAnthropic).toBe(incubating.GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC);
  });
});

describe("the model call span", () => {
  it("covers the retries: a failed attempt is an exception event, the answered one sets usage (cached tokens counted in input) and cost", () => {
    const span = startModelCallSpan(tracer, { scope, maxTokens: 4096, streaming: true, server: modelServerOf("http://127.0.0.1:8080") });
    span.attempt({ ...base, errorCode: "overloaded", errorMessage: "529" }, true);
    span.attempt({ ...base, attempt: 2, ok: true, stopReason: "end_turn", inputTokens: 100, outputTokens: 40, cacheReadTokens: 900, cacheWriteTokens: 10, costUsd: 0.0012 });
    span.answered(message, 2);
    span.end();
    const [finished] = exporter.getFinishedSpans();
    expect(finished!.name).toBe("chat claude-sonnet-4-6");
    expect(finished!.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-4-6",
      "gen_ai.request.max_tokens": 4096,
      "gen_ai.request.stream": true,
      "gen_ai.response.model": "claude-sonnet-4-6",
      "gen_ai.response.finish_reasons": ["end_turn"],
      "gen_ai.usage.input_tokens": 1010,
      "gen_ai.usage.output_tokens": 40,
      "gen_ai.usage.cache_read.input_tokens": 900,
      "gen_ai.usage.cache_creation.input_tokens": 10,
      "gen_ai.usage.cache_write.input_tokens": 10,
      "asp.usage.uncached_input_tokens": 100,
      "asp.cost_usd": 0.0012,
      "asp.attempts": 2,
      "asp.file": "app.py",
      "server.address": "127.0.0.1",
      "server.port": 8080,
    });
    expect(finished!.events.map((event) => [event.name, event.attributes?.["asp.attempt"], event.attributes?.["error.type"]])).toEqual([["exception", 1, "overloaded"]]);
    expect(finished!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("a call that gives up has status ERROR, error.type, and zero usage (nothing billed)", () => {
    const span = startModelCallSpan(tracer, { scope, maxTokens: 1024, streaming: false });
    span.attempt({ ...base, errorCode: "rate_limited", errorMessage: "429" }, false);
    span.failed(new ModelError("gave up", { code: "model_rate_limited", retryable: true }));
    span.end();
    const [finished] = exporter.getFinishedSpans();
    expect(finished!.status.code).toBe(SpanStatusCode.ERROR);
    expect(finished!.attributes).toMatchObject({ "error.type": "model_rate_limited", "gen_ai.usage.input_tokens": 0, "gen_ai.usage.output_tokens": 0, "asp.cost_usd": 0 });
  });
});
