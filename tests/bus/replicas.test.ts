import { describe, expect, it } from "vitest";
import type { ServiceIdentity } from "nats";
import { jsonCodec } from "../../bus/codec.ts";
import { replayEvents } from "../../bus/events.ts";
import { createJobClient } from "../../bus/job-client.ts";
import type { AspError } from "../../errors/index.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { toyInputSchema, toyOutputSchema } from "../fixtures/toy-agent/definition.ts";
import { setupBus, type TestBus } from "../support/nats.ts";
import { spawnTypeScript, type ChildProcessHandle } from "../support/processes.ts";

const inputCodec = jsonCodec(toyInputSchema);
const outputCodec = jsonCodec(toyOutputSchema);
const toyMain = "tests/fixtures/toy-agent/main.ts";

async function startReplica(bus: TestBus, env: Record<string, string> = {}): Promise<ChildProcessHandle & { instance: string }> {
  const child = spawnTypeScript(toyMain, { env: { ...bus.env, ASP_LOG_LEVEL: "warn", TOY_ACK_WAIT_MS: "1500", ...env } });
  const line = await child.waitForLine(/asp-agent-ready/);
  const instance = /instance=(\S+)/.exec(line)?.[1] ?? "";
  return Object.assign(child, { instance });
}

async function runEvents(bus: TestBus, runId: string): Promise<AspEvent[]> {
  const events: AspEvent[] = [];
  const replay = await replayEvents({ connection: bus.connection, subjects: bus.subjects, runId, onEvent: (event) => void events.push(event) });
  await replay.done;
  return events;
}

describe("toy agent replicas as real processes", () => {
  it("two replicas are discoverable through $SRV PING/INFO/STATS and share the load", async () => {
    await using bus = await setupBus();
    await using first = await startReplica(bus);
    await using second = await startReplica(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        client.request("toy", { value: index, delayMs: 100 }, { runId: "run-share", inputCodec, outputCodec, timeoutMs: 20_000 }),
      ),
    );
    expect(replies.map((reply) => reply.output.doubled).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, index) => index * 2));
    const perInstance = new Map<string, number>();
    for (const reply of replies) perInstance.set(reply.output.instance, (perInstance.get(reply.output.instance) ?? 0) + 1);
    // Each replica pulls one job at a time, so with 100 ms jobs both must have taken some.
    expect([...perInstance.keys()].sort()).toEqual([first.instance, second.instance].sort());

    const services = bus.connection.services.client();
    const pings: ServiceIdentity[] = [];
    // Other test files run toy agents on the same server in their own namespaces: keep this one's.
    for await (const ping of await services.ping("toy")) if (ping.metadata?.namespace === bus.namespace) pings.push(ping);
    expect(pings.map((ping) => ping.metadata?.instance).sort()).toEqual([first.instance, second.instance].sort());
    const infos = [];
    for await (const info of await services.info("toy")) if (info.metadata?.namespace === bus.namespace) infos.push(info);
    expect(infos).toHaveLength(2);
    expect(infos.every((info) => info.endpoints.some((endpoint) => endpoint.subject === bus.subjects.direct("toy")) && info.metadata?.namespace === bus.namespace)).toBe(true);
    const stats = [];
    const ours = new Set(infos.map((info) => info.id));
    for await (const stat of await services.stats("toy")) if (ours.has(stat.id)) stats.push(stat);
    const processed = stats.map((stat) => (stat.endpoints?.[0]?.data as { jobsProcessed: number }).jobsProcessed);
    expect(processed.reduce((sum, count) => sum + count, 0)).toBe(12);
    expect(processed.every((count) => count > 0)).toBe(true);
    // Regression: generic tooling saw only the direct endpoint, with 0 requests, for replicas that did 12 jobs.
    const jobsEndpoints = stats.map((stat) => stat.endpoints?.find((endpoint) => endpoint.name === "jobs"));
    expect(jobsEndpoints.map((endpoint) => endpoint?.subject)).toEqual([bus.subjects.jobStats("toy"), bus.subjects.jobStats("toy")]);
    expect(jobsEndpoints.map((endpoint) => endpoint?.num_requests)).toEqual(processed);
    expect(jobsEndpoints.every((endpoint) => (endpoint?.processing_time ?? 0) >= 100 * 1_000_000 * (endpoint?.num_requests ?? 0))).toBe(true);
    expect(jobsEndpoints.every((endpoint) => endpoint?.num_errors === 0)).toBe(true);
  });

  it("a job whose worker is killed with SIGKILL is redelivered and finished by the other replica", async () => {
    await using bus = await setupBus();
    await using victim = await startReplica(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const pending = client.request("toy", { value: 5, delayMs: 1500 }, { runId: "run-kill", jobId: "survivor", inputCodec, outputCodec, timeoutMs: 30_000 });
    // Wait until the victim has really started the job, then kill it without any chance to clean up.
    await waitFor(async () => (await runEvents(bus, "run-kill")).some((event) => event.type === "job.started"));
    await victim.kill("SIGKILL");
    await using rescuer = await startReplica(bus);
    const reply = await pending;
    expect(reply.output.doubled).toBe(10);
    expect(reply.output.instance).toBe(rescuer.instance);
    // Redelivery shown by the events: the victim started the job, the rescuer started it again and
    // finished it. (The server's delivery counter is not asserted: in one CI run out of many,
    // nats-server 2.9 handed the job to the rescuer as delivery 1 after the victim's SIGKILL.)
    // job.completed is published after the ack, so it may land a moment after the reply.
    await waitFor(async () => (await runEvents(bus, "run-kill")).some((event) => event.type === "job.completed"));
    const events = await runEvents(bus, "run-kill");
    const startedBy = events.filter((event) => event.type === "job.started").map((event) => event.instance);
    expect(startedBy).toEqual([victim.instance, rescuer.instance]);
    expect(events.filter((event) => event.type === "job.completed").map((event) => event.instance)).toEqual([rescuer.instance]);
  });

  it("a job whose workers keep dying is dead-lettered after max deliveries and the caller gets an error", async () => {
    await using bus = await setupBus();
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const pending = client
      .request("toy", { value: 1, delayMs: 60_000 }, { runId: "run-dead", jobId: "cursed", inputCodec, outputCodec, timeoutMs: 40_000 })
      .catch((error: unknown) => error as AspError);
    const startedCount = async () => (await runEvents(bus, "run-dead")).filter((event) => event.type === "job.started").length;
    await using firstWorker = await startReplica(bus, { TOY_MAX_DELIVER: "2" });
    await waitFor(async () => (await startedCount()) >= 1);
    await firstWorker.kill("SIGKILL");
    await using secondWorker = await startReplica(bus, { TOY_MAX_DELIVER: "2" });
    await waitFor(async () => (await startedCount()) >= 2);
    // Someone must be listening for the advisory once the last holder dies: an idle replica.
    await using watcher = await startReplica(bus, { TOY_MAX_DELIVER: "2" });
    await secondWorker.kill("SIGKILL");
    const failure = (await pending) as AspError;
    expect(failure.code).toBe("max_deliveries_exceeded");
    expect(failure.message).toMatch(/cursed.*delivered 2 times/);
    const deadLetter = (await runEvents(bus, "run-dead")).find((event) => event.type === "job.dead_letter");
    expect(deadLetter?.jobId).toBe("cursed");
    expect(watcher.instance).not.toBe("");
  });

  it("SIGTERM lets an in-flight job finish before the process exits", async () => {
    await using bus = await setupBus();
    const worker = await startReplica(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const pending = client.request("toy", { value: 4, delayMs: 1500 }, { runId: "run-drain", jobId: "finish-me", inputCodec, outputCodec, timeoutMs: 20_000 });
    await waitFor(async () => (await runEvents(bus, "run-drain")).some((event) => event.type === "job.started"));
    const exit = await worker.kill("SIGTERM");
    expect(exit.code).toBe(0);
    // The result was stored before the process left: the caller has it without any other replica.
    const reply = await pending;
    expect(reply.output.doubled).toBe(8);
    expect(reply.output.instance).toBe(worker.instance);
  });

  it("a worker whose handler throws stays up and answers the next job", async () => {
    await using bus = await setupBus();
    await using worker = await startReplica(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const failure = await client
      .request("toy", { value: 1, fail: "fatal" }, { runId: "run-throw", inputCodec, outputCodec, timeoutMs: 10_000 })
      .catch((error: unknown) => error as AspError);
    expect((failure as AspError).code).toBe("validation_failed");
    const reply = await client.request("toy", { value: 9 }, { runId: "run-throw", inputCodec, outputCodec, timeoutMs: 10_000 });
    expect(reply.output.doubled).toBe(18);
    expect(worker.process.exitCode).toBeNull();
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("condition not met in time");
}
