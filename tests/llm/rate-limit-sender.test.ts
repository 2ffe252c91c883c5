import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createModelClient } from "../../llm/client.ts";
import { readModelConfig } from "../../llm/config.ts";
import type { Demand, ModelRateLimiter } from "../../llm/fleet-rate-limit/index.ts";
import type { Usage } from "../../llm/fleet-rate-limit/usage-slots.ts";
import { ModelError } from "../../errors/index.ts";
import { startModelSimulator, type ScenarioInput } from "../../simulator/index.ts";

/** A limiter that admits at once and remembers what it was asked. */
function recordingLimiter() {
  const calls: Array<{ reserve?: Demand; pause?: number; settle?: Usage | "failed" }> = [];
  const limiter: ModelRateLimiter = {
    async reserve(_model, demand) {
      calls.push({ reserve: demand });
      return { settle: async (used) => void calls.push({ settle: used ?? "failed" }) };
    },
    async pause(_model, durationMs) {
      calls.push({ pause: durationMs });
    },
  };
  return { limiter, calls };
}

const scenario: ScenarioInput = {
  name: "one 429 with a long retry-after",
  files: { "a.txt": "hello\n" },
  faults: { retryAfterSeconds: 30, script: [{ kind: "rate_limited", file: "a.txt", times: 1 }] },
};

async function clientFor(url: string, rateLimiter?: ModelRateLimiter) {
  const sleeps: number[] = [];
  const config = readModelConfig({ ASP_LLM_BASE_URL: url, ASP_LLM_RETRY_BASE_MS: "1", ASP_LLM_RETRY_MAX_MS: "5", ASP_LLM_MAX_ATTEMPTS: "3", ASP_LLM_THINKING_TOKENS: "0" });
  const client = createModelClient(config, {
    logger: pino({ level: "silent" }),
    clock: { now: () => Date.now() },
    // Recorded, not waited: the test is about how long the layer would wait, not about waiting.
    sleep: async (milliseconds) => void sleeps.push(milliseconds),
    ...(rateLimiter ? { rateLimiter } : {}),
  });
  return { client, sleeps };
}

describe("the model layer and the fleet-wide limit", () => {
  it("waits a retry-after longer than the backoff cap in full (retry-after wins)", async () => {
    await using simulator = await startModelSimulator({ scenario, port: 0 });
    const { client, sleeps } = await clientFor(simulator.url);
    const result = await client.text({ agent: "file-writer", file: "a.txt", system: "write", prompt: "a.txt" });
    expect(result.text).toBe("hello\n");
    // ASP_LLM_RETRY_MAX_MS is 5, the server asked for 30 s: the server wins.
    expect(sleeps).toEqual([30_000]);
  });

  it("with a fleet limiter: reserves before every attempt, pauses the model fleet-wide on the 429, and settles with the real usage", async () => {
    await using simulator = await startModelSimulator({ scenario, port: 0 });
    const { limiter, calls } = recordingLimiter();
    const { client, sleeps } = await clientFor(simulator.url, limiter);
    await client.text({ agent: "file-writer", file: "a.txt", system: "write", prompt: "a.txt", maxTokens: 300 });
    const usage = simulator.transcript().at(-1)!.usage!;
    expect(calls).toEqual([
      { reserve: { requests: 1, inputTokens: expect.any(Number), outputTokens: 300 } },
      { settle: "failed" },
      { pause: 30_000 },
      { reserve: { requests: 1, inputTokens: expect.any(Number), outputTokens: 300 } },
      { settle: { requests: 1, inputTokens: usage.input_tokens! + usage.cache_creation_input_tokens! + usage.cache_read_input_tokens!, outputTokens: usage.output_tokens } },
    ]);
    // The reservation's estimate never falls short of what the server counts.
    expect(calls[0]!.reserve!.inputTokens).toBeGreaterThanOrEqual((calls[4]!.settle as Usage).inputTokens);
    // The pause is the wait: nothing is slept on top of it in this process.
    expect(sleeps).toEqual([]);
  });

  it("a call abandoned before it is sent sends nothing and says why", async () => {
    await using simulator = await startModelSimulator({ scenario: { name: "quiet", files: { "a.txt": "hello\n" } }, port: 0 });
    const { limiter, calls } = recordingLimiter();
    const { client } = await clientFor(simulator.url, limiter);
    const controller = new AbortController();
    controller.abort(new Error("the job was cancelled by its caller"));
    const failure = await client.text({ agent: "file-writer", file: "a.txt", system: "write", prompt: "a.txt", signal: controller.signal }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelError);
    expect(failure).toMatchObject({ code: "model_aborted", retryable: false });
    expect((failure as Error).message).toContain("the job was cancelled by its caller");
    expect(simulator.transcript()).toEqual([]);
    expect(calls).toEqual([]);
  });
});
