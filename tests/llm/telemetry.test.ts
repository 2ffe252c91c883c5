import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BudgetExceededError } from "../../errors/asp-error.ts";
import { defaultModel } from "../../llm/config.ts";
import { maxTokensFor } from "../../llm/output-budget.ts";
import { costOf } from "../../llm/pricing.ts";
import { llmCallSchema } from "../../schemas/llm-call.ts";
import { startSimulatedModel } from "./support/simulated-model.ts";

const design = `# Design\n\n${"The parser turns tokens into a tree; the printer walks it. ".repeat(120)}`;
const files = { "src/a.py": "print('a')\n", "src/b.py": "print('b')\n" };

describe("llm.call telemetry", () => {
  it("prices every call from its usage, and the second per-file call reads the shared prefix from cache", async () => {
    await using model = await startSimulatedModel({ scenario: { name: "cache", files, cache: { minTokens: 100 } } });
    const shared = { agent: "file-writer", system: "You write one file of a project.", cachedContext: design };
    const first = await model.client.text({ ...shared, file: "src/a.py", prompt: "Write src/a.py" });
    const second = await model.client.text({ ...shared, file: "src/b.py", prompt: "Write src/b.py" });
    const [firstCall] = first.calls;
    const [secondCall] = second.calls;
    expect(firstCall?.cacheWriteTokens).toBeGreaterThan(0);
    expect(firstCall?.cacheReadTokens).toBe(0);
    expect(secondCall?.cacheReadTokens).toBeGreaterThan(0);
    expect(secondCall?.cacheReadTokens).toBe(firstCall?.cacheWriteTokens);
    expect(secondCall!.costUsd).toBeLessThan(firstCall!.costUsd);
    for (const call of [firstCall!, secondCall!]) {
      expect(llmCallSchema.parse(call)).toEqual(call);
      expect(call.costUsd).toBe(costOf(defaultModel, call).usd);
      expect(call.costUsd).toBeGreaterThan(0);
    }
    // Both cached blocks carry the breakpoint: the system prompt and the shared context.
    const request = model.simulator.transcript()[0]?.request as { system: unknown; messages: Array<{ content: Array<Record<string, unknown>> }> };
    expect(request.system).toEqual([{ type: "text", text: shared.system, cache_control: { type: "ephemeral" } }]);
    expect(request.messages[0]?.content[0]).toEqual({ type: "text", text: design, cache_control: { type: "ephemeral" } });
  });

  it("records one call per HTTP attempt, failed ones included, to both listeners", async () => {
    await using model = await startSimulatedModel({
      scenario: { name: "retries", files, faults: { script: [{ kind: "server_error", file: "src/a.py" }, { kind: "rate_limited", file: "src/a.py" }] } },
    });
    const perRequest: unknown[] = [];
    const result = await model.client.text({ agent: "file-writer", file: "src/a.py", system: "s", prompt: "p", onCall: (record) => void perRequest.push(record) });
    expect(result.calls.map((call) => [call.attempt, call.ok, call.errorCode ?? null])).toEqual([
      [1, false, "server_error"],
      [2, false, "rate_limited"],
      [3, true, null],
    ]);
    expect(perRequest).toEqual(result.calls);
    expect(model.records).toEqual(result.calls);
    expect(result.calls[0]).toMatchObject({ costUsd: 0, inputTokens: 0, file: "src/a.py", stopReason: null });
    expect(model.simulator.transcript()).toHaveLength(3);
  });

  it("stops a call that beforeCall refuses, before any HTTP request", async () => {
    const seen: unknown[] = [];
    await using model = await startSimulatedModel({
      scenario: { name: "budget", agents: { planning: { title: "x" } } },
      beforeCall: (info) => {
        seen.push(info);
        throw new BudgetExceededError("run budget of $0.01 spent");
      },
    });
    const failure = await model.client
      .structured({ agent: "planning", schema: z.object({ title: z.string() }), toolName: "record", system: "s", prompt: "p", maxTokens: 500 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BudgetExceededError);
    expect(model.simulator.transcript()).toHaveLength(0);
    expect(model.records).toHaveLength(0);
    // The default model thinks by default, so the guard sees the output asked for plus the thinking allowance.
    expect(seen).toEqual([{ agent: "planning", model: defaultModel, estimatedInputTokens: expect.any(Number), maxTokens: maxTokensFor(defaultModel, 500, 16_384) }]);
    expect(maxTokensFor(defaultModel, 500, 16_384)).toBe(16_884);
  });

  it("never puts the API key in a log line or an llm.call record", async () => {
    await using model = await startSimulatedModel({
      maxAttempts: 2,
      scenario: { name: "secrets", files, faults: { script: [{ kind: "overloaded", file: "src/a.py", times: 5 }] } },
    });
    await model.client.text({ agent: "file-writer", file: "src/a.py", system: "s", prompt: "p" }).catch(() => undefined);
    await model.client.text({ agent: "file-writer", file: "src/b.py", system: "s", prompt: "p" });
    expect(model.simulator.transcript().length).toBeGreaterThanOrEqual(3);
    expect(model.logLines.length).toBeGreaterThan(0);
    expect(model.logLines.join("\n")).not.toContain(model.apiKey);
    expect(JSON.stringify(model.records)).not.toContain(model.apiKey);
  });

  it("a wrong key is an authentication failure that is not retried", async () => {
    await using model = await startSimulatedModel({ scenario: { name: "auth", files } });
    const { createModelClient } = await import("../../llm/client.ts");
    const { readModelConfig } = await import("../../llm/config.ts");
    const { createLogger } = await import("../../logging/logger.ts");
    const wrong = createModelClient(readModelConfig({ ANTHROPIC_API_KEY: "sk-ant-wrong-key-123", ASP_LLM_BASE_URL: model.simulator.url }), {
      logger: createLogger({ name: "t", level: "silent" }),
      clock: { now: () => 0 },
    });
    await expect(wrong.text({ agent: "file-writer", file: "src/a.py", system: "s", prompt: "p" })).rejects.toMatchObject({
      code: "model_authentication_failed",
      retryable: false,
    });
    expect(model.simulator.transcript()).toHaveLength(1);
  });
});
