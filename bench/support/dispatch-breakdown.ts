/**
 * Where a dispatch's milliseconds go, each part measured on its own on the same bus: the bus path of a
 * job with no model call (a toy agent process that answers at once and emits one event, as the writer
 * emits its llm.call), a core NATS round trip to that process, one JetStream publish and its
 * acknowledgement, and the stored-result look-up a worker makes before each job.
 */
import { nuid, type NatsConnection } from "nats";
import { jsonCodec } from "../../bus/codec.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { findStoredResult } from "../../bus/job-results.ts";
import type { Subjects } from "../../bus/subjects.ts";
import { toyInputSchema, toyOutputSchema } from "../../tests/fixtures/toy-agent/definition.ts";
import { spawnTypeScript } from "../../tests/support/processes.ts";
import { percentile, round } from "./statistics.ts";

export interface DispatchBreakdown {
  /** caller → toy agent process → stored result and reply, no model call: the job runtime's own cost. */
  jobWithoutModelMs: number;
  /** A core request/reply to the toy agent process ($SRV.PING): the floor for any message there and back. */
  coreRoundTripMs: number;
  /** One JetStream publish until its acknowledgement (each event, each job, each result is one). */
  jetStreamPublishMs: number;
  /** One stored-result look-up (a message get on the results stream), made before every job. */
  storedResultLookupMs: number;
}

async function medianOf(count: number, once: (index: number) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await once(index);
    samples.push(performance.now() - started);
  }
  return round(percentile(samples.sort((a, b) => a - b), 50));
}

export async function measureDispatchBreakdown(options: { connection: NatsConnection; subjects: Subjects; env: Record<string, string>; samples: number }): Promise<DispatchBreakdown> {
  const { connection, subjects, samples } = options;
  await using toy = spawnTypeScript("tests/fixtures/toy-agent/main.ts", { env: { ...options.env, ASP_LOG_LEVEL: "warn", TOY_AGENT_NAME: "bench-toy" } });
  await toy.waitForLine(/asp-agent-ready/);
  const jobs = createJobClient({ connection, subjects });
  const runId = `bench-breakdown-${Date.now()}`;
  const inputCodec = jsonCodec(toyInputSchema);
  const outputCodec = jsonCodec(toyOutputSchema);
  const toyJob = (index: number) => jobs.request("bench-toy", { value: index }, { runId, jobId: `${runId}-t${index}`, inputCodec, outputCodec, timeoutMs: 30_000 });
  const ping = () => connection.request("$SRV.PING.bench-toy", new Uint8Array(), { timeout: 5000 });
  const js = connection.jetstream();
  const publish = (index: number) => js.publish(subjects.event(runId, "bench", "bench.sample"), new TextEncoder().encode(`{"sample":${index}}`));
  const jsm = await connection.jetstreamManager();
  const lookup = () => findStoredResult(jsm, subjects, { runId, agent: "bench-toy", jobId: nuid.next() });
  // Warm-up: the JIT, the consumer's first pull, the connection's buffers.
  for (const part of [toyJob, ping, publish, lookup]) await medianOf(30, part);
  return {
    jobWithoutModelMs: await medianOf(samples, toyJob),
    coreRoundTripMs: await medianOf(samples, ping),
    jetStreamPublishMs: await medianOf(samples, publish),
    storedResultLookupMs: await medianOf(samples, lookup),
  };
}
