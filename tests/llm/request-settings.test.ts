import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../../errors/asp-error.ts";
import { effortFor, readModelConfig } from "../../llm/config.ts";
import { startRecordedClient } from "./support/recorded-client.ts";
import { block } from "./support/recording-server.ts";

const planned = { content: [block.text('{"title": "t"}')], stop_reason: "end_turn" as const };
const written = { content: [block.text("x = 1\n")], stop_reason: "end_turn" as const };
const structuredAsk = { agent: "planning", schema: z.object({ title: z.string() }), toolName: "record", system: "s", prompt: "p" };

describe("max_tokens leaves room for thinking", () => {
  it("adds the thinking allowance on top of the output asked for, for a model that thinks by default", async () => {
    await using recorded = await startRecordedClient([planned, written], { ASP_MODEL: "claude-sonnet-5-5", ASP_LLM_STREAMING: "false" });
    await recorded.client.structured({ ...structuredAsk, maxTokens: 3000 });
    await recorded.client.text({ agent: "file-writer", file: "x.py", system: "s", prompt: "p", maxTokens: 2000 });
    expect(recorded.server.requests.map((request) => request.body.max_tokens)).toEqual([3000 + 16_384, 2000 + 16_384]);
  });

  it("takes the allowance from ASP_LLM_THINKING_TOKENS and caps the total at the model's max output", async () => {
    await using recorded = await startRecordedClient([written, written], { ASP_MODEL: "claude-fable-5-2", ASP_LLM_STREAMING: "false", ASP_LLM_THINKING_TOKENS: "4000" });
    await recorded.client.text({ agent: "file-writer", file: "x.py", system: "s", prompt: "p", maxTokens: 1000 });
    await recorded.client.text({ agent: "file-writer", file: "x.py", system: "s", prompt: "p", maxTokens: 127_000 });
    expect(recorded.server.requests.map((request) => request.body.max_tokens)).toEqual([5000, 128_000]);
  });

  it("adds nothing for a model that thinks only when asked", async () => {
    await using recorded = await startRecordedClient([written], { ASP_MODEL: "claude-opus-4-8", ASP_LLM_STREAMING: "false" });
    await recorded.client.text({ agent: "file-writer", file: "x.py", system: "s", prompt: "p", maxTokens: 2000 });
    expect(recorded.server.requests[0]!.body.max_tokens).toBe(2000);
  });
});

describe("effort per agent", () => {
  it("sends ASP_LLM_EFFORT to every agent and ASP_LLM_EFFORT_<AGENT> to that agent, in output_config", async () => {
    await using recorded = await startRecordedClient([planned, written, planned], {
      ASP_MODEL: "claude-sonnet-5-5",
      ASP_LLM_STREAMING: "false",
      ASP_LLM_EFFORT: "medium",
      ASP_LLM_EFFORT_FILE_WRITER: "low",
      ASP_LLM_EFFORT_CODE_REVIEW: "default",
    });
    await recorded.client.structured(structuredAsk);
    await recorded.client.text({ agent: "file-writer", file: "x.py", system: "s", prompt: "p" });
    await recorded.client.structured({ ...structuredAsk, agent: "code-review" });
    const [planning, writer, review] = recorded.server.requests.map((request) => request.body["output_config"] as Record<string, unknown> | undefined);
    // The native format and the effort share output_config.
    expect(planning).toMatchObject({ effort: "medium", format: { type: "json_schema" } });
    expect(writer).toEqual({ effort: "low" });
    expect(review).not.toHaveProperty("effort");
  });

  it("sends no effort unless one is set", async () => {
    await using recorded = await startRecordedClient([written], { ASP_MODEL: "claude-sonnet-5-5", ASP_LLM_STREAMING: "false" });
    await recorded.client.text({ agent: "file-writer", file: "x.py", system: "s", prompt: "p" });
    expect(recorded.server.requests[0]!.body).not.toHaveProperty("output_config");
  });

  it("reads per-agent efforts once and validates them, against each agent's model too", () => {
    const config = readModelConfig({ ASP_LLM_EFFORT: "HIGH", ASP_LLM_EFFORT_FILE_WRITER: " xhigh " });
    expect(effortFor(config, "file-writer")).toBe("xhigh");
    expect(effortFor(config, "FILE_WRITER")).toBe("xhigh");
    expect(effortFor(config, "planning")).toBe("high");
    expect(Object.isFrozen(config.agentEfforts)).toBe(true);

    const problems = (env: Record<string, string>) => {
      try {
        readModelConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      return "";
    };
    expect(problems({ ASP_LLM_EFFORT: "hard" })).toContain("ASP_LLM_EFFORT");
    expect(problems({ ASP_LLM_EFFORT_REVIEWER: "extreme" })).toContain("ASP_LLM_EFFORT_REVIEWER: must be one of low, medium, high, xhigh, max, default");
    // Opus 4.6 has no xhigh; Haiku 4.5 takes no effort at all.
    expect(problems({ ASP_MODEL: "claude-opus-4-6", ASP_LLM_EFFORT: "xhigh" })).toContain('ASP_LLM_EFFORT: "xhigh" is not accepted by claude-opus-4-6');
    const haiku = problems({ ASP_LLM_EFFORT: "low", ASP_MODEL_REVIEWER: "claude-haiku-4-5" });
    expect(haiku).toContain("claude-haiku-4-5, which takes no effort");
    expect(haiku).toContain("ASP_LLM_EFFORT_REVIEWER=default");
    expect(problems({ ASP_LLM_EFFORT: "low", ASP_MODEL_REVIEWER: "claude-haiku-4-5", ASP_LLM_EFFORT_REVIEWER: "default" })).toBe("");
    expect(problems({ ASP_LLM_THINKING_TOKENS: "-1" })).toContain("ASP_LLM_THINKING_TOKENS");
  });

  it("drops an effort the model named in a request does not take, with one warning", async () => {
    await using recorded = await startRecordedClient([written, written], { ASP_MODEL: "claude-sonnet-5-5", ASP_LLM_STREAMING: "false", ASP_LLM_EFFORT: "max" });
    for (let call = 0; call < 2; call += 1) await recorded.client.text({ agent: "file-writer", file: "x.py", system: "s", prompt: "p", model: "claude-haiku-4-5" });
    expect(recorded.server.requests.every((request) => request.body["output_config"] === undefined)).toBe(true);
    expect(recorded.logs.filter((line) => String(line["msg"]).includes("does not accept this effort"))).toHaveLength(1);
  });
});
