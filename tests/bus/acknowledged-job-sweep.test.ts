import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { AckPolicy, connect, RetentionPolicy, type JetStreamManager } from "nats";
import { describe, expect, it } from "vitest";
import { sweepAcknowledgedJobs, sweepAfterReconnects } from "../../bus/acknowledged-job-sweep.ts";
import { startLocalNatsServer } from "../../bus/local-server.ts";
import { isNotFound } from "../../bus/resources.ts";
import { createSubjects, type Subjects } from "../../bus/subjects.ts";
import { recordToHeaders } from "../../bus/headers.ts";
import { publishResult } from "../../bus/job-results.ts";
import { setupBus, silentLogger } from "../support/nats.ts";

const encoder = new TextEncoder();

describe("the sweep of acknowledged jobs a server crash left in the work queue", () => {
  it("deletes jobs below the ack floor whose result is stored, keeps the rest, and never touches unacknowledged jobs", async () => {
    await using bus = await setupBus();
    const { subjects } = bus;
    const jsm = await bus.connection.jetstreamManager();
    const js = bus.connection.jetstream();
    // A work-queue stream removes what is acked, so the crash's leftover cannot be made on one. The same
    // stream with limits retention keeps acked jobs: exactly the state a lost removal leaves behind.
    await jsm.streams.delete(subjects.jobsStream);
    await jsm.streams.add({ name: subjects.jobsStream, subjects: [subjects.allJobs()], retention: RetentionPolicy.Limits });
    await jsm.consumers.add(subjects.jobsStream, { durable_name: subjects.consumerName("writer"), filter_subject: subjects.job("writer"), ack_policy: AckPolicy.Explicit });

    const job = (jobId: string) =>
      js.publish(subjects.job("writer"), encoder.encode("{}"), { msgID: jobId, headers: recordToHeaders({ "Asp-Run-Id": "run-1", "Asp-Job-Id": jobId, "Asp-Agent": "writer" }) });
    const done = await job("done");
    const lost = await job("acked-without-result");
    const other = await js.publish(subjects.job("planning"), encoder.encode("{}"), { msgID: "other-agent" });
    const waiting = await job("not-acked-yet");
    await publishResult(js, subjects, { runId: "run-1", agent: "writer", jobId: "done" }, { data: encoder.encode("ok"), headers: {} });
    await publishResult(js, subjects, { runId: "run-1", agent: "writer", jobId: "not-acked-yet" }, { data: encoder.encode("ok"), headers: {} });

    const consumer = await js.consumers.get(subjects.jobsStream, subjects.consumerName("writer"));
    for (let index = 0; index < 2; index++) {
      const message = await consumer.next({ expires: 2000 });
      await message!.ackAck();
    }
    expect((await jsm.consumers.info(subjects.jobsStream, subjects.consumerName("writer"))).ack_floor.stream_seq).toBe(lost.seq);

    expect(await sweepAcknowledgedJobs({ jsm, subjects, agent: "writer", logger: silentLogger })).toEqual({ removed: 1, kept: 1 });
    const present = async (sequence: number) => Boolean(await jsm.streams.getMessage(subjects.jobsStream, { seq: sequence }).catch(() => undefined));
    expect(await present(done.seq)).toBe(false);
    expect(await present(lost.seq), "acknowledged but without a result: kept for an operator").toBe(true);
    expect(await present(other.seq), "another agent's job").toBe(true);
    expect(await present(waiting.seq), "above the ack floor: still to be delivered, even with a stored result").toBe(true);
    // A second sweep finds nothing more to remove.
    expect(await sweepAcknowledgedJobs({ jsm, subjects, agent: "writer", logger: silentLogger })).toEqual({ removed: 0, kept: 1 });
  });

  it("runs again after the connection comes back from a server restart, and stops listening when stopped", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "asp-sweep-"));
    let server = await startLocalNatsServer({ dataDir });
    const connection = await connect({ servers: server.url, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    try {
      const subjects = createSubjects("sweep");
      const jsm = await connection.jetstreamManager();
      await leftoverReadyStream(jsm, subjects);
      const sweeper = sweepAfterReconnects({ connection, jsm, subjects, agent: "writer", logger: silentLogger, delayMs: 100 });
      // The first sweep (at start) finds nothing; the leftover appears only afterwards.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const leftover = await acknowledgedJobWithResult(connection.jetstream(), jsm, subjects, "after-start");
      const present = (sequence = leftover) => isStored(jsm, subjects, sequence);
      expect(await present()).toBe(true);

      const port = server.port;
      await server.stop();
      server = await startLocalNatsServer({ dataDir, port });
      const deadline = Date.now() + 15_000;
      while ((await present()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await present(), "swept after the reconnect").toBe(false);

      sweeper.stop();
      const later = await acknowledgedJobWithResult(connection.jetstream(), jsm, subjects, "after-stop");
      await server.stop();
      server = await startLocalNatsServer({ dataDir, port });
      // Long enough for the reconnect and a sweep that would follow it (delay 100 ms).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await present(later), "a stopped sweeper does nothing").toBe(true);
    } finally {
      await connection.close();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** Whether a job is still in the stream; only "not found" counts as gone (a disconnect is retried). */
async function isStored(jsm: JetStreamManager, subjects: Subjects, sequence: number): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await jsm.streams.getMessage(subjects.jobsStream, { seq: sequence });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** The jobs stream with limits retention and the writer's consumer: acked jobs stay, as after a lost removal. */
async function leftoverReadyStream(jsm: JetStreamManager, subjects: Subjects): Promise<void> {
  await jsm.streams.add({ name: subjects.jobsStream, subjects: [subjects.allJobs()], retention: RetentionPolicy.Limits });
  await jsm.streams.add({ name: subjects.resultsStream, subjects: [subjects.allResults()] });
  await jsm.consumers.add(subjects.jobsStream, { durable_name: subjects.consumerName("writer"), filter_subject: subjects.job("writer"), ack_policy: AckPolicy.Explicit });
}

/** Publishes a writer job, stores its result and acknowledges it; returns its stream sequence. */
async function acknowledgedJobWithResult(js: ReturnType<import("nats").NatsConnection["jetstream"]>, jsm: JetStreamManager, subjects: Subjects, jobId: string): Promise<number> {
  const published = await js.publish(subjects.job("writer"), encoder.encode("{}"), { msgID: jobId, headers: recordToHeaders({ "Asp-Run-Id": "run-1", "Asp-Job-Id": jobId, "Asp-Agent": "writer" }) });
  await publishResult(js, subjects, { runId: "run-1", agent: "writer", jobId }, { data: encoder.encode("ok"), headers: {} });
  const consumer = await js.consumers.get(subjects.jobsStream, subjects.consumerName("writer"));
  const message = await consumer.next({ expires: 2000 });
  await message!.ackAck();
  expect((await jsm.consumers.info(subjects.jobsStream, subjects.consumerName("writer"))).ack_floor.stream_seq).toBe(published.seq);
  return published.seq;
}
