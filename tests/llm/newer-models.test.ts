import type Anthropic from "@anthropic-ai/sdk";
import type { Message, MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createModelClient } from "../../llm/client.ts";
import { readModelConfig } from "../../llm/config.ts";
import { continueInstruction } from "../../llm/text-output.ts";
import { createLogger } from "../../logging/logger.ts";
import { startSimulatedModel } from "./support/simulated-model.ts";

/** A recorded-call fake: replays canned replies and keeps every request it was sent. */
function recordedAnthropic(replies: Array<Pick<Message, "content" | "stop_reason">>) {
  const requests: MessageCreateParamsNonStreaming[] = [];
  const fake = {
    messages: {
      create: async (params: MessageCreateParamsNonStreaming) => {
        requests.push(structuredClone(params));
        const reply = replies[requests.length - 1];
        if (!reply) throw new Error("no more recorded replies");
        return {
          id: `msg_${requests.length}`,
          type: "message",
          role: "assistant",
          model: params.model,
          stop_sequence: null,
          usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
          ...reply,
        };
      },
    },
  };
  return { anthropic: fake as unknown as Anthropic, requests };
}

const text = (value: string) => ({ type: "text" as const, text: value, citations: null });

describe("secrets in failures", () => {
  it("scrubs the API key from a failure's record, its log line and the thrown error", async () => {
    const key = `sk-ant-test-${Math.random().toString(36).slice(2)}`;
    const anthropic = { messages: { create: async () => Promise.reject(new Error(`proxy refused key ${key}`)) } } as unknown as Anthropic;
    const lines: string[] = [];
    const destination = { write: (line: string) => void lines.push(line) };
    const records: unknown[] = [];
    const config = readModelConfig({ ANTHROPIC_API_KEY: key, ASP_LLM_STREAMING: "false", ASP_LLM_MAX_ATTEMPTS: "2", ASP_LLM_RETRY_MAX_MS: "0" });
    const client = createModelClient(config, {
      anthropic,
      logger: createLogger({ name: "t", level: "debug", destination, secrets: [key] }),
      clock: { now: () => 0 },
      onCall: (record) => void records.push(record),
    });
    const failure = await client.text({ agent: "file-writer", system: "s", prompt: "p" }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "model_stream_error" });
    expect((failure as Error).message).toContain("[REDACTED]");
    expect((failure as Error).message).not.toContain(key);
    expect(records).toHaveLength(2);
    expect(JSON.stringify(records)).toContain("[REDACTED]");
    expect(JSON.stringify(records)).not.toContain(key);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("")).not.toContain(key);
  });
});

describe("models without prefill or forced tool choice", () => {
  it("asks a no-prefill model to continue in a user turn and appends the rest unchanged", async () => {
    const { anthropic, requests } = recordedAnthropic([
      { content: [text("def f():  \n")], stop_reason: "max_tokens" },
      { content: [text("\treturn 1\n")], stop_reason: "end_turn" },
    ]);
    const config = readModelConfig({ ASP_MODEL: "claude-sonnet-4-6", ASP_LLM_STREAMING: "false", ASP_LLM_BASE_URL: "http://127.0.0.1:1" });
    const client = createModelClient(config, { anthropic, logger: createLogger({ name: "t", level: "silent" }), clock: { now: () => 0 } });
    const result = await client.text({ agent: "file-writer", file: "f.py", system: "s", prompt: "p" });
    expect(result.text).toBe("def f():  \n\treturn 1\n");
    expect(result.continuations).toBe(1);
    const last = requests[1]!.messages;
    expect(last.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
    // The cut reply goes back as it came, its trailing whitespace included (it is not the final turn).
    expect(last[1]!.content).toEqual([text("def f():  \n")]);
    expect(last[2]!.content).toBe(continueInstruction);
  });

  it("removes a repeat of the cut line when a no-prefill model starts its continuation with it", async () => {
    const { anthropic, requests } = recordedAnthropic([
      { content: [text("def f(items):\n    return compute_to")], stop_reason: "max_tokens" },
      { content: [text("    return compute_total(items)\n")], stop_reason: "end_turn" },
    ]);
    const config = readModelConfig({ ASP_MODEL: "claude-sonnet-4-6", ASP_LLM_STREAMING: "false", ASP_LLM_BASE_URL: "http://127.0.0.1:1" });
    const client = createModelClient(config, { anthropic, logger: createLogger({ name: "t", level: "silent" }), clock: { now: () => 0 } });
    const result = await client.text({ agent: "file-writer", file: "f.py", system: "s", prompt: "p" });
    expect(result.text).toBe("def f(items):\n    return compute_total(items)\n");
    expect(requests[1]!.messages.at(-1)!.content).toBe(continueInstruction);
  });

  it("appends a prefill continuation unchanged: a model continuing its own prefill does not repeat", async () => {
    const { anthropic } = recordedAnthropic([
      { content: [text("name = 'calculate")], stop_reason: "max_tokens" },
      { content: [text("calculate'\n")], stop_reason: "end_turn" },
    ]);
    const config = readModelConfig({ ASP_MODEL: "claude-haiku-4-5", ASP_LLM_STREAMING: "false", ASP_LLM_BASE_URL: "http://127.0.0.1:1" });
    const client = createModelClient(config, { anthropic, logger: createLogger({ name: "t", level: "silent" }), clock: { now: () => 0 } });
    const result = await client.text({ agent: "file-writer", file: "f.py", system: "s", prompt: "p" });
    expect(result.text).toBe("name = 'calculatecalculate'\n");
  });

  it("sends no empty assistant turn when a no-prefill model was cut before writing anything", async () => {
    const { anthropic, requests } = recordedAnthropic([
      { content: [], stop_reason: "max_tokens" },
      { content: [text("x = 1\n")], stop_reason: "end_turn" },
    ]);
    const config = readModelConfig({ ASP_MODEL: "claude-sonnet-4-6", ASP_LLM_STREAMING: "false", ASP_LLM_BASE_URL: "http://127.0.0.1:1" });
    const client = createModelClient(config, { anthropic, logger: createLogger({ name: "t", level: "silent" }), clock: { now: () => 0 } });
    const result = await client.text({ agent: "file-writer", file: "f.py", system: "s", prompt: "p" });
    expect(result.text).toBe("x = 1\n");
    expect(requests[1]!.messages.map((message) => message.role)).toEqual(["user"]);
  });

  it("asks Sonnet 5.5, which refuses forced tool choice, for the native format and validates its JSON through the simulator", async () => {
    await using model = await startSimulatedModel({
      env: { ASP_MODEL: "claude-sonnet-5-5" },
      scenario: { name: "native", agents: { planning: { title: "t" } } },
    });
    const result = await model.client.structured({ agent: "planning", schema: z.object({ title: z.string() }), toolName: "record", system: "Plan.", prompt: "p" });
    expect(result.value).toEqual({ title: "t" });
    const request = model.simulator.transcript()[0]?.request as { tools?: unknown; tool_choice?: unknown; output_config: unknown; system: Array<{ text: string }> };
    expect(request.tools).toBeUndefined();
    expect(request.tool_choice).toBeUndefined();
    expect(request.output_config).toEqual({
      format: { type: "json_schema", schema: { type: "object", properties: { title: { type: "string" } }, required: ["title"], additionalProperties: false } },
    });
    expect(request.system[0]?.text).toBe("Plan.");
    expect(result.calls[0]?.costUsd).toBeGreaterThan(0);
  });
});
