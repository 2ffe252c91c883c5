import { runToyAgent } from "../fixtures/toy-agent/run-in-process.ts";
import { describe, expect, it } from "vitest";
import { jsonCodec } from "../../bus/codec.ts";
import { readStoredEvents } from "../../bus/events.ts";
import { defineAgent } from "../../bus/define-agent.ts";
import { createJobClient, type JobClient } from "../../bus/job-client.ts";
import { findStoredResult } from "../../bus/job-results.ts";
import { runAgent, type RunningAgent } from "../../bus/run-agent.ts";
import { AspError } from "../../errors/index.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { toyInputSchema, toyOutputSchema, type ToyInput, type ToyOutput } from "../fixtures/toy-agent/definition.ts";
import { setupBus, type TestBus } from "../support/nats.ts";

const inputCodec = jsonCodec(toyInputSchema);
const outputCodec = jsonCodec(toyOutputSchema);

function startToy(bus: TestBus): Promise<RunningAgent> {
  return runToyAgent(bus, { ackWaitMs: 2000, pullExpiresMs: 1000, maxDeliver: 3, backoffMs: [50] });
}

/** A job that asks the toy agent for a slow child job under its own signal, as the code agent asks for files. */
const parentAgent = defineAgent<{ value: number }, ToyOutput, { jobs: JobClient }>({
  name: "parent",
  version: "1.0.0",
  input: toyInputSchema.pick({ value: true }),
  output: toyOutputSchema,
  async handle(input, context) {
    const reply = await context.deps.jobs.request<ToyInput, ToyOutput>("toy", { value: input.value, delayMs: 120_000 }, {
      runId: context.runId,
      jobId: `${context.jobId}-child`,
      inputCodec,
      outputCodec,
      timeoutMs: 120_000,
      signal: context.signal,
    });
    return reply.output;
  },
});

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Tracks whether a promise has settled yet, without letting a rejection go unhandled. */
function track<T>(promise: Promise<T>) {
  const state = { settled: false, promise: promise.finally(() => (state.settled = true)) };
  state.promise.catch(() => undefined);
  return state;
}

async function waitForEvent(bus: TestBus, runId: string, matches: (event: AspEvent) => boolean, withinMs: number): Promise<AspEvent> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const found = (await readStoredEvents(bus.connection, bus.subjects, runId)).find(matches);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching event in run ${runId} within ${withinMs} ms`);
    await sleep(200);
  }
}

describe("job timeouts: the per-job clock starts when a worker takes the job", () => {
  it("a job that waits in the queue longer than its timeout still succeeds once a worker takes it", async () => {
    await using bus = await setupBus();
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const request = (jobId: string, queueTimeoutMs?: number) =>
      track(client.request<ToyInput, ToyOutput>("toy", { value: 21 }, { runId: "queued", jobId, inputCodec, outputCodec, timeoutMs: 1000, ...(queueTimeoutMs ? { queueTimeoutMs } : {}) }));
    const waiting = request("waits-in-queue", 60_000);
    // The control: without a queue timeout the queue time counts, as it did before, and the job times out.
    const counted = request("queue-time-counts");
    await expect(counted.promise).rejects.toMatchObject({ code: "job_timeout" });
    // Well past its 1 s timeout, still queued (no worker yet), and still waited for.
    await sleep(1000);
    expect(waiting.settled).toBe(false);
    const agent = await startToy(bus);
    const reply = await waiting.promise;
    expect(reply.output.doubled).toBe(42);
    expect(reply.output.instance).toBe(agent.instanceId);
    await agent.stop();
  });

  it("a job nobody takes within its queue timeout is given up and taken out of the queue", async () => {
    await using bus = await setupBus();
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const failure = await client
      .request("toy", { value: 1 }, { runId: "never-taken", jobId: "j1", inputCodec, outputCodec, timeoutMs: 60_000, queueTimeoutMs: 800 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AspError);
    expect((failure as AspError).code).toBe("job_queue_timeout");
    expect((failure as AspError).message).toMatch(/no worker took agent toy, job j1 .* queue timeout of 800 ms/);
    // Nothing is left for a worker to pick up later.
    const jsm = await bus.connection.jetstreamManager();
    expect((await jsm.streams.info(bus.subjects.jobsStream)).state.messages).toBe(0);
  });

  it("a job past its timeout once taken is cancelled: the worker's handler is aborted and no result is stored", async () => {
    await using bus = await setupBus();
    const agent = await startToy(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    // Far longer than the test waits for its cancellation below: only an abort ends it in time.
    const failure = await client
      .request("toy", { value: 1, delayMs: 120_000 }, { runId: "too-slow", jobId: "slow-1", inputCodec, outputCodec, timeoutMs: 1000, queueTimeoutMs: 60_000 })
      .catch((error: unknown) => error);
    expect((failure as AspError).code).toBe("job_timeout");
    const cancelled = await waitForEvent(bus, "too-slow", (event) => event.type === "job.cancelled", 20_000);
    expect(cancelled).toMatchObject({ jobId: "slow-1", data: { started: true, instance: agent.instanceId } });
    const events = await readStoredEvents(bus.connection, bus.subjects, "too-slow");
    expect(events.map((event) => event.type)).toEqual(["job.started", "job.cancelled"]);
    const jsm = await bus.connection.jetstreamManager();
    expect(await findStoredResult(jsm, bus.subjects, { runId: "too-slow", agent: "toy", jobId: "slow-1" })).toBeUndefined();
    // Dropped, not handed back: it is not delivered again, and the worker is free for the next job.
    expect((await jsm.streams.info(bus.subjects.jobsStream)).state.messages).toBe(0);
    expect(agent.stats().inFlight).toBe(0);
    const next = await client.request<ToyInput, ToyOutput>("toy", { value: 4 }, { runId: "too-slow", jobId: "next", inputCodec, outputCodec, timeoutMs: 10_000 });
    expect(next.output.doubled).toBe(8);
    await agent.stop();
  });

  it("a cancelled job cancels the jobs it asked for, down to the slow child's handler", async () => {
    await using bus = await setupBus();
    const toy = await startToy(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const parent = await runAgent(parentAgent, { connection: bus.connection, subjects: bus.subjects, logger: bus.logger, deps: { jobs: client }, ackWaitMs: 2000, pullExpiresMs: 1000 });
    const failure = await client
      .request("parent", { value: 1 }, { runId: "cascade", jobId: "parent-1", inputCodec: jsonCodec(toyInputSchema.pick({ value: true })), outputCodec, timeoutMs: 1500 })
      .catch((error: unknown) => error);
    expect((failure as AspError).code).toBe("job_timeout");
    const child = await waitForEvent(bus, "cascade", (event) => event.type === "job.cancelled" && event.jobId === "parent-1-child", 20_000);
    expect(child.agent).toBe("toy");
    await waitForEvent(bus, "cascade", (event) => event.type === "job.cancelled" && event.jobId === "parent-1", 20_000);
    await parent.stop();
    await toy.stop();
  });
});
