import { runToyAgent } from "../fixtures/toy-agent/run-in-process.ts";
import { headers as natsHeaders } from "nats";
import { describe, expect, it, vi } from "vitest";
import { jsonCodec } from "../../bus/codec.ts";
import { headerNames } from "../../bus/headers.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { replayEvents } from "../../bus/events.ts";
import { AspError } from "../../errors/index.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { toyInputSchema, toyOutputSchema, type ToyInput } from "../fixtures/toy-agent/definition.ts";
import { setupBus, type TestBus } from "../support/nats.ts";

const inputCodec = jsonCodec(toyInputSchema);
const outputCodec = jsonCodec(toyOutputSchema);

function withAgent(bus: TestBus, overrides: { maxDeliver?: number; backoffMs?: number[] } = {}) {
  return runToyAgent(bus, { ackWaitMs: 2000, pullExpiresMs: 1000, maxDeliver: overrides.maxDeliver ?? 3, backoffMs: overrides.backoffMs ?? [50] });
}

async function collectEvents(bus: TestBus, runId: string): Promise<AspEvent[]> {
  const events: AspEvent[] = [];
  const replay = await replayEvents({ connection: bus.connection, subjects: bus.subjects, runId, onEvent: (event) => void events.push(event) });
  await replay.done;
  return events;
}

describe("job path, in process, real nats-server", () => {
  it("answers a job through the results stream and records started/completed events", async () => {
    await using bus = await setupBus();
    const agent = await withAgent(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const reply = await client.request<ToyInput, ReturnType<typeof toyOutputSchema.parse>>("toy", { value: 21 }, {
      runId: "run-1", jobId: "job-1", inputCodec, outputCodec, timeoutMs: 10_000,
    });
    expect(reply.output.doubled).toBe(42);
    expect(reply.output.instance).toBe(agent.instanceId);
    // Replay joins after the fact and still sees the whole story of the run, in order.
    const types = (await collectEvents(bus, "run-1")).map((event) => event.type);
    expect(types).toEqual(["job.started", "progress", "job.completed"]);
    await agent.stop();
  });

  it("stops without waiting for its idle pull to expire, and still finishes the job in hand", async () => {
    await using bus = await setupBus();
    // A pull that would hold an idle slot for a minute: stop() used to wait for it to expire.
    const agent = await runToyAgent(bus, { ackWaitMs: 5000, pullExpiresMs: 60_000, concurrency: 2 });
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const slow = client.request<ToyInput, ReturnType<typeof toyOutputSchema.parse>>("toy", { value: 4, delayMs: 1500 }, {
      runId: "run-stop", jobId: "in-hand", inputCodec, outputCodec, timeoutMs: 20_000,
    });
    await vi.waitFor(async () => expect((await collectEvents(bus, "run-stop")).map((event) => event.type)).toContain("job.started"), { timeout: 10_000 });
    const stopping = performance.now();
    await agent.stop();
    const stoppedAfterMs = performance.now() - stopping;
    // The job in hand was finished, not handed back; the other slot's minute-long pull was not waited for.
    expect((await slow).output.doubled).toBe(8);
    expect(stoppedAfterMs).toBeLessThan(30_000);
  }, 40_000);

  it("a throwing handler gets an error result, then the process handles the next job", async () => {
    await using bus = await setupBus();
    const agent = await withAgent(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const failure = await client
      .request("toy", { value: 1, fail: "fatal" }, { runId: "run-f", jobId: "bad", inputCodec, outputCodec, timeoutMs: 10_000 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AspError);
    expect((failure as AspError).code).toBe("validation_failed");
    expect((failure as AspError).message).toContain("toy refuses this value");
    const ok = await client.request("toy", { value: 2 }, { runId: "run-f", jobId: "good", inputCodec, outputCodec, timeoutMs: 10_000 });
    expect(ok.output.doubled).toBe(4);
    const events = await collectEvents(bus, "run-f");
    expect(events.find((event) => event.type === "job.dead_letter")?.jobId).toBe("bad");
    await agent.stop();
  });

  it("keeps a job that outlasts its ack wait alive without the handler sending heartbeats: delivered once", async () => {
    await using bus = await setupBus();
    const agent = await withAgent(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    // Three ack waits of work: without the runtime's own heartbeats JetStream would redeliver it.
    const reply = await client.request("toy", { value: 4, delayMs: 6000 }, { runId: "run-long", jobId: "long", inputCodec, outputCodec, timeoutMs: 20_000 });
    expect(reply.output).toMatchObject({ doubled: 8, attempt: 1 });
    const started = (await collectEvents(bus, "run-long")).filter((event) => event.type === "job.started");
    expect(started).toHaveLength(1);
    await agent.stop();
  }, 30_000);

  it("the direct service endpoint answers errors with the NATS service error headers", async () => {
    await using bus = await setupBus();
    const agent = await withAgent(bus);
    const encoder = new TextEncoder();
    const ok = await bus.connection.request(bus.subjects.direct("toy"), encoder.encode(JSON.stringify({ value: 5 })), { timeout: 5000 });
    expect(ok.json<{ doubled: number }>().doubled).toBe(10);
    const failed = await bus.connection.request(bus.subjects.direct("toy"), encoder.encode(JSON.stringify({ value: 5, fail: "retryable" })), { timeout: 5000 });
    expect(failed.headers?.get("Nats-Service-Error-Code")).toBe("500");
    expect(failed.headers?.get("Nats-Service-Error")).toContain("toy failure");
    const invalid = await bus.connection.request(bus.subjects.direct("toy"), encoder.encode("{not json"), { timeout: 5000 });
    expect(invalid.headers?.get("Nats-Service-Error-Code")).toBe("400");
    expect(agent.stats().jobsFailed).toBe(2);
    await agent.stop();
  });

  it("a schema-breaking job gets an error result and a job.failed event; the worker stays up", async () => {
    await using bus = await setupBus();
    const agent = await withAgent(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const js = bus.connection.jetstream();
    const headers = natsHeaders();
    for (const [key, value] of Object.entries({ [headerNames.runId]: "run-b", [headerNames.jobId]: "broken", [headerNames.agent]: "toy" })) headers.set(key, value);
    await js.publish(bus.subjects.job("toy"), new TextEncoder().encode(JSON.stringify({ value: "not a number" })), { headers, msgID: "broken" });
    const failure = await client
      .awaitResult("toy", { runId: "run-b", jobId: "broken", outputCodec, timeoutMs: 10_000 })
      .catch((error: unknown) => error);
    expect((failure as AspError).code).toBe("validation_failed");
    expect((failure as AspError).message).toMatch(/value/);
    const failed = (await collectEvents(bus, "run-b")).find((event) => event.type === "job.failed");
    expect(failed?.data.stage).toBe("decode");
    const ok = await client.request("toy", { value: 3 }, { runId: "run-b", inputCodec, outputCodec, timeoutMs: 10_000 });
    expect(ok.output.doubled).toBe(6);
    await agent.stop();
  });

  it("the same job id published twice is handled once", async () => {
    await using bus = await setupBus();
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const first = await client.submit("toy", { value: 7 }, { runId: "run-i", jobId: "once", inputCodec });
    const second = await client.submit("toy", { value: 7 }, { runId: "run-i", jobId: "once", inputCodec });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    const agent = await withAgent(bus);
    const reply = await client.awaitResult("toy", { runId: "run-i", jobId: "once", outputCodec, timeoutMs: 10_000 });
    expect(reply.output.doubled).toBe(14);
    // A caller asking again (a restarted orchestrator) gets the stored result; nothing runs again.
    const again = await client.request("toy", { value: 7 }, { runId: "run-i", jobId: "once", inputCodec, outputCodec, timeoutMs: 10_000 });
    expect(again.output.doubled).toBe(14);
    const started = (await collectEvents(bus, "run-i")).filter((event) => event.type === "job.started");
    expect(started).toHaveLength(1);
    expect(agent.stats().jobsProcessed).toBe(1);
    await agent.stop();
  });

  it("retryable failures are retried with backoff, then dead-lettered with the reason", async () => {
    await using bus = await setupBus();
    const agent = await withAgent(bus, { maxDeliver: 3, backoffMs: [50, 100] });
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const failure = await client
      .request("toy", { value: 1, fail: "retryable" }, { runId: "run-d", jobId: "doomed", inputCodec, outputCodec, timeoutMs: 10_000 })
      .catch((error: unknown) => error);
    expect((failure as AspError).code).toBe("internal_error");
    expect((failure as AspError).message).toContain("attempt 3");
    const events = await collectEvents(bus, "run-d");
    expect(events.filter((event) => event.type === "job.failed").map((event) => event.attempt)).toEqual([1, 2]);
    const deadLetter = events.find((event) => event.type === "job.dead_letter");
    expect(deadLetter?.data.reason).toMatch(/last attempt \(3 of 3\)/);
    // A dead job must not stay in the work queue.
    const jsm = await bus.connection.jetstreamManager();
    expect((await jsm.streams.info(bus.subjects.jobsStream)).state.messages).toBe(0);
    await agent.stop();
  });

  it("large inputs and outputs travel through the object store", async () => {
    await using bus = await setupBus();
    const agent = await withAgent(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const filler = "x".repeat(1_200_000);
    const reply = await client.request("toy", { value: 1, filler, outputBytes: 1_100_000 }, {
      runId: "run-l", jobId: "large", inputCodec, outputCodec, timeoutMs: 20_000,
    });
    expect(reply.output.fillerLength).toBe(filler.length);
    expect(reply.output.filler).toHaveLength(1_100_000);
    expect(reply.headers[headerNames.payloadRef]).toBe("payloads/run-l/large/result");
    await agent.stop();
  });

  it("a job nobody answers times out with the agent and job id in the error", async () => {
    await using bus = await setupBus();
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const failure = await client
      .request("nobody", { value: 1 }, { runId: "run-t", jobId: "lonely", inputCodec, outputCodec, timeoutMs: 300 })
      .catch((error: unknown) => error);
    expect((failure as AspError).name).toBe("BusError");
    expect((failure as AspError).message).toMatch(/agent nobody, job lonely/);
  });
});
