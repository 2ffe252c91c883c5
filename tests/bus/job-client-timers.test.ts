import { describe, expect, it } from "vitest";
import { jsonCodec } from "../../bus/codec.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { toyInputSchema, toyOutputSchema } from "../fixtures/toy-agent/definition.ts";
import { setupBus } from "../support/nats.ts";
import { spawnTypeScript } from "../support/processes.ts";

const pendingTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

describe("a finished request leaves no timer behind", () => {
  // A poll for the stored result left pending held `asp run` open for up to 2 s after its run ended.
  it("clears its stored-result poll and its deadline once the result is in", async () => {
    await using bus = await setupBus();
    await using agent = spawnTypeScript("tests/fixtures/toy-agent/main.ts", { env: { ...bus.env, ASP_LOG_LEVEL: "warn" } });
    await agent.waitForLine(/asp-agent-ready/);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const options = { runId: "timers", inputCodec: jsonCodec(toyInputSchema), outputCodec: jsonCodec(toyOutputSchema), timeoutMs: 30_000 };
    // The first request opens what stays open for the connection's life (its JetStream manager).
    await client.request("toy", { value: 1 }, { ...options, jobId: "timers-warm-up" });
    const before = pendingTimers();
    const reply = await client.request("toy", { value: 21 }, { ...options, jobId: "timers-measured" });
    expect(reply.output.doubled).toBe(42);
    expect(pendingTimers()).toBeLessThanOrEqual(before);
  }, 60_000);
});
