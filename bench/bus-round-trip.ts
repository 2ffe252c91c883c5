/**
 * Bus round-trip benchmark (not a test): jobs through the JetStream work queue and back through
 * the results stream, measured at the caller. Workers run IN PROCESS (same Node process as the
 * caller, separate connections), so the numbers are the bus and runtime overhead, not process
 * start-up or model time. Bounded: sends a fixed number of jobs and stops by itself.
 *
 *   npm run bench:bus -- [--jobs 2000] [--workers 2] [--in-flight 32]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { connect } from "nats";
import { pino } from "pino";
import { parseArgs } from "node:util";
import { jsonCodec } from "../bus/codec.ts";
import { createJobClient } from "../bus/job-client.ts";
import { startLocalNatsServer } from "../bus/local-server.ts";
import { ensureResources } from "../bus/resources.ts";
import { runAgent } from "../bus/run-agent.ts";
import { createSubjects } from "../bus/subjects.ts";
import { createToyAgent, toyInputSchema, toyOutputSchema } from "../tests/fixtures/toy-agent/definition.ts";
import { describeMachine } from "./machine.ts";

const { values } = parseArgs({
  options: { jobs: { type: "string", default: "2000" }, workers: { type: "string", default: "2" }, "in-flight": { type: "string", default: "32" } },
});
const jobs = Number(values.jobs);
const workerCount = Number(values.workers);
const inFlight = Number(values["in-flight"]);
const logger = pino({ level: "warn" });

await using server = await startLocalNatsServer({ logger });
const subjects = createSubjects("bench");
const callerConnection = await connect({ servers: server.url, name: "bench-caller" });
await ensureResources(callerConnection, subjects);
const workerConnections = await Promise.all(Array.from({ length: workerCount }, (_, index) => connect({ servers: server.url, name: `bench-worker-${index}` })));
const workers = await Promise.all(
  workerConnections.map((connection) =>
    runAgent(createToyAgent(), { connection, subjects, logger, deps: { defaultDelayMs: 0, defaultFail: "none", pid: process.pid }, concurrency: 8 }),
  ),
);
const client = createJobClient({ connection: callerConnection, subjects });
const inputCodec = jsonCodec(toyInputSchema);
const outputCodec = jsonCodec(toyOutputSchema);

// Warm-up: JIT, consumer creation, first pulls.
await Promise.all(Array.from({ length: 50 }, (_, index) => client.request("toy", { value: index }, { runId: "warmup", inputCodec, outputCodec, timeoutMs: 30_000 })));

const latencies: number[] = [];
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (next < jobs) {
      const index = next++;
      const sent = performance.now();
      await client.request("toy", { value: index }, { runId: "bench", inputCodec, outputCodec, timeoutMs: 30_000 });
      latencies.push(performance.now() - sent);
    }
  }),
);
const elapsedMs = performance.now() - started;
latencies.sort((a, b) => a - b);
const percentile = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0) * 100) / 100;
const result = {
  benchmark: "bus-round-trip",
  date: new Date().toISOString(),
  workers: `${workerCount} in-process runAgent workers (concurrency 8 each), own connections`,
  jobs,
  callerInFlight: inFlight,
  p50Ms: percentile(50),
  p90Ms: percentile(90),
  p99Ms: percentile(99),
  maxMs: percentile(100),
  jobsPerSecond: Math.round((jobs / elapsedMs) * 1000 * 10) / 10,
  elapsedMs: Math.round(elapsedMs),
  machine: await describeMachine(),
};

for (const worker of workers) await worker.stop();
for (const connection of [...workerConnections, callerConnection]) await connection.close();

await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL("./results/bus-round-trip.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
await writeFile(
  new URL("./results/bus-round-trip.md", import.meta.url),
  [
    "# Bus round trip",
    "",
    `${result.date}: ${jobs} toy jobs (submit to JetStream work queue, pull, handle, store result, reply) with ${inFlight} in flight at the caller; ${result.workers}.`,
    "",
    "| p50 ms | p90 ms | p99 ms | max ms | jobs/s |",
    "| ---: | ---: | ---: | ---: | ---: |",
    `| ${result.p50Ms} | ${result.p90Ms} | ${result.p99Ms} | ${result.maxMs} | ${result.jobsPerSecond} |`,
    "",
    "Machine:",
    "",
    ...Object.entries(result.machine).map(([key, value]) => `- ${key}: ${value}`),
    "",
  ].join("\n"),
);
console.log(JSON.stringify({ p50Ms: result.p50Ms, p99Ms: result.p99Ms, jobsPerSecond: result.jobsPerSecond }));
