import { AckPolicy, RetentionPolicy } from "nats";
import { describe, expect, it } from "vitest";
import { sweepAcknowledgedJobs } from "../../bus/acknowledged-job-sweep.ts";
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
});
