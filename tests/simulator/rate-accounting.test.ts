import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { startModelSimulator, statsPath, type ModelSimulatorStats, type SimulatorClock } from "../../simulator/index.ts";
import { clientFor, fileRequest, structuredRequest } from "./simulator-client.ts";

const plan = { units: [{ name: "parser" }], summary: "one unit" };
const scenario = { name: "accounting", agents: { planning: plan, "code-review": { verdict: "PASS", findings: [] } }, files: { "src/a.py": "a = 1\n".repeat(40) } };

/** A clock the test moves by hand; waits end at once, so latency does not slow the test. */
function manualClock(start: number): SimulatorClock & { advance(milliseconds: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async () => undefined,
    advance: (milliseconds) => {
      now += milliseconds;
    },
  };
}

async function waitFor<T>(read: () => T | undefined, what: string): Promise<T> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("per-minute usage", () => {
  it("counts requests, refusals and input and output tokens per model and clock minute", async () => {
    const minute = Date.parse("2026-11-20T10:00:00.000Z");
    const clock = manualClock(minute + 5_000);
    const faults = { script: [{ kind: "rate_limited" as const, agent: "planning", times: 1 }] };
    await using simulator = await startModelSimulator({ scenario: { ...scenario, faults }, clock });
    const client = clientFor(simulator, { "x-asp-agent": "planning" });
    await client.messages.create(structuredRequest()).catch(() => undefined);
    await client.messages.create(structuredRequest());
    await clientFor(simulator, { "x-asp-file": "src/a.py" }).messages.create(fileRequest(4096, undefined, "claude-haiku-4-5"));
    clock.advance(60_000);
    await client.messages.create(structuredRequest());

    const entries = simulator.transcript();
    const tokens = (index: number) => {
      const usage = entries[index]!.usage!;
      return { input: usage["input_tokens"]! + usage["cache_creation_input_tokens"]! + usage["cache_read_input_tokens"]!, output: usage["output_tokens"]! };
    };
    const { perMinute } = simulator.stats();
    expect(perMinute).toEqual([
      {
        model: "claude-haiku-4-5",
        minute: "2026-11-20T10:00:00.000Z",
        minuteStartMs: minute,
        requests: 1,
        rejected: 0,
        inputTokens: tokens(2).input,
        outputTokens: tokens(2).output,
      },
      {
        model: "claude-sonnet-4-6",
        minute: "2026-11-20T10:00:00.000Z",
        minuteStartMs: minute,
        requests: 2,
        rejected: 1,
        // The refused request's input counts too: it arrived and was read.
        inputTokens: 2 * tokens(1).input,
        outputTokens: tokens(1).output,
      },
      {
        model: "claude-sonnet-4-6",
        minute: "2026-11-20T10:01:00.000Z",
        minuteStartMs: minute + 60_000,
        requests: 1,
        rejected: 0,
        inputTokens: tokens(3).input,
        outputTokens: tokens(3).output,
      },
    ]);
    expect(tokens(2).output).toBe(60);
  });

  it("counts in windows of usageWindowMs instead of minutes when it is set, aligned to that length", async () => {
    const minute = Date.parse("2026-11-20T10:00:00.000Z");
    const clock = manualClock(minute + 3_500);
    await using simulator = await startModelSimulator({ scenario, clock, usageWindowMs: 4_000 });
    const client = clientFor(simulator, { "x-asp-agent": "planning" });
    await client.messages.create(structuredRequest());
    clock.advance(400);
    // 10:00:03.900 and 10:00:04.100 are one minute but two windows of 4 s.
    await client.messages.create(structuredRequest());
    clock.advance(200);
    await client.messages.create(structuredRequest());
    const windows = simulator.stats().perMinute.map((window) => [window.minute, window.minuteStartMs - minute, window.requests]);
    expect(windows).toEqual([
      ["2026-11-20T10:00:00.000Z", 0, 2],
      ["2026-11-20T10:00:04.000Z", 4_000, 1],
    ]);
  });

  it.each([0, -1, 1.5])("refuses a usageWindowMs of %s before it starts", async (usageWindowMs) => {
    await expect(startModelSimulator({ scenario, usageWindowMs })).rejects.toThrow(`usageWindowMs must be a whole number of milliseconds, at least 1 (got ${usageWindowMs})`);
  });

  it("serves the same stats over HTTP for a simulator in another process", async () => {
    await using simulator = await startModelSimulator({ scenario });
    await clientFor(simulator, { "x-asp-agent": "planning" }).messages.create(structuredRequest());
    const response = await fetch(`${simulator.url}${statsPath}`);
    expect(response.status).toBe(200);
    const stats = (await response.json()) as ModelSimulatorStats;
    expect(stats).toEqual(simulator.stats());
    expect(stats.perMinute[0]).toMatchObject({ model: "claude-sonnet-4-6", requests: 1 });
  });
});

describe("scripted rate limits", () => {
  it("answers one agent with 429s and that fault's retry-after, past the caller's retries, and leaves other agents alone", async () => {
    const faults = { retryAfterSeconds: 0, script: [{ kind: "rate_limited" as const, agent: "code-review", times: 5, retryAfterSeconds: 0.05 }] };
    await using simulator = await startModelSimulator({ scenario: { ...scenario, faults } });
    const reviewer = clientFor(simulator, { "x-asp-agent": "code-review:security" }, 2);

    const exhausted = await reviewer.messages.create(structuredRequest()).catch((error: unknown) => error);
    expect(exhausted).toBeInstanceOf(Anthropic.RateLimitError);
    expect((exhausted as InstanceType<typeof Anthropic.RateLimitError>).headers?.get("retry-after")).toBe("0.05");
    expect((await clientFor(simulator, { "x-asp-agent": "planning" }).messages.create(structuredRequest())).content[0]).toMatchObject({ input: plan });

    // Two of the five are left: the next call's first two attempts get them, its last retry gets through.
    const third = await reviewer.messages.create(structuredRequest());
    expect(third.content[0]).toMatchObject({ input: { verdict: "PASS" } });
    const statuses = simulator.transcript().map((entry) => [entry.agent, entry.status]);
    expect(statuses).toEqual([
      ["code-review:security", 429],
      ["code-review:security", 429],
      ["code-review:security", 429],
      ["planning", 200],
      ["code-review:security", 429],
      ["code-review:security", 429],
      ["code-review:security", 200],
    ]);
    expect(simulator.stats().faults).toEqual({ rate_limited: 5 });
  });
});

describe("abandoned calls", () => {
  const slow = { timeToFirstTokenMs: 60_000, tokensPerSecond: 0 };

  it.each([false, true])("records a call aborted while it waits for its first token as a client disconnect (streaming: %s)", async (streaming) => {
    await using simulator = await startModelSimulator({ scenario, latency: slow });
    const client = clientFor(simulator, { "x-asp-file": "src/a.py" });
    const controller = new AbortController();
    const call = streaming
      ? client.messages.stream(fileRequest(), { signal: controller.signal }).finalMessage()
      : client.messages.create(fileRequest(), { signal: controller.signal });
    const outcome = call.catch((error: unknown) => error);
    // Booked per minute once its body is read; from there the reply goes straight into its wait.
    await waitFor(() => (simulator.stats().perMinute.length > 0 ? true : undefined), "the request to be read");
    controller.abort();
    expect(await outcome).toBeInstanceOf(Anthropic.APIUserAbortError);

    const entry = await waitFor(() => simulator.transcript()[0], "the transcript entry");
    expect(entry).toMatchObject({
      streaming,
      error: { type: "client_disconnected", message: "the caller closed the connection while the reply waited for its first token" },
    });
    // Recorded when the caller left, not when the first token would have been due.
    expect(entry.latencyMs).toBeLessThan(slow.timeToFirstTokenMs);
  });

  it("records a stream aborted mid-reply as a client disconnect after its first token", async () => {
    await using simulator = await startModelSimulator({ scenario, latency: { timeToFirstTokenMs: 0, tokensPerSecond: 20 } });
    const controller = new AbortController();
    const stream = clientFor(simulator, { "x-asp-file": "src/a.py" }).messages.stream(fileRequest(), { signal: controller.signal });
    const outcome = stream.finalMessage().catch((error: unknown) => error);
    await new Promise((resolve) => stream.once("text", resolve));
    controller.abort();
    expect(await outcome).toBeInstanceOf(Anthropic.APIUserAbortError);
    const entry = await waitFor(() => simulator.transcript()[0], "the transcript entry");
    expect(entry.error).toEqual({ type: "client_disconnected", message: "the caller closed the connection before the reply was complete" });
  });
});
