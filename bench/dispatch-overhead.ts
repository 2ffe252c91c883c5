/**
 * Dispatch overhead (not a test): one file job through the code agent's whole path with a
 * zero-latency model — job publish → file-writer process (model call over HTTP to the local model
 * server) → stored result and reply → checksum → artifact put → file.written event — measured at
 * the caller. Latency with one job in flight and one writer; throughput with many in flight.
 *
 *   npx tsx bench/dispatch-overhead.ts [--jobs 300] [--throughput-jobs 1000] [--writers 4] [--in-flight 64]
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { fileResultCodec } from "../schemas/file-result.ts";
import { createArtifactStore, fileArtifactName } from "../agents/shared/artifact-store.ts";
import { systemClock } from "../bus/clock.ts";
import { jsonCodec } from "../bus/codec.ts";
import { createEventPublisher } from "../bus/events.ts";
import { createJobClient } from "../bus/job-client.ts";
import { repositoryRoot } from "../cli/fleet.ts";
import { fileJobSchema, type FileJob } from "../schemas/file-job.ts";
import { manifestEntrySchema } from "../schemas/manifest.ts";
import { startLoopbackPipeline } from "../tests/support/loopback-pipeline.ts";
import { measureDispatchBreakdown } from "./support/dispatch-breakdown.ts";
import { isMain } from "./support/is-main.ts";
import { saveResult } from "./support/results.ts";
import { percentile, round } from "./support/statistics.ts";

const fileJobCodec = jsonCodec(fileJobSchema);

export async function runDispatchOverhead(options: { jobs?: number; throughputJobs?: number; writers?: number; inFlight?: number; outputDirectory?: string } = {}) {
  const latencyJobs = options.jobs ?? 300;
  const throughputJobs = options.throughputJobs ?? 1000;
  const throughputWriters = options.writers ?? 4;
  const inFlight = options.inFlight ?? 64;
  const scenario = parse(await readFile(path.join(repositoryRoot, "examples/hello-python/scenario.yaml"), "utf8")) as Record<string, any>;
  delete scenario.faults;
  scenario.latency = { timeToFirstTokenMs: 0, tokensPerSecond: 0 };
  const entry = manifestEntrySchema.parse(scenario.agents.code.files.find((file: { path: string }) => file.path === "textstats/tokenize.py"));
  const sharedContext = `Design and manifest of the project.\n${JSON.stringify(scenario.agents.design)}`;

  await using environment = await startLoopbackPipeline({ name: "bench", scenario, agents: [], writers: 1 });
  const jobs = createJobClient({ connection: environment.connection, subjects: environment.subjects });
  const artifacts = createArtifactStore(environment.connection, environment.subjects);
  const events = createEventPublisher({ connection: environment.connection, subjects: environment.subjects, clock: systemClock, instanceId: "bench-code" });
  // One run id per phase, so the model-call and worker figures of the latency phase stay apart.
  let runId = `bench-dispatch-warmup-${Date.now()}`;
  let sequence = 0;

  // What agents/code/write-files.ts does for one file, minus the retry loop.
  const phases = { requestMs: [] as number[], artifactPutMs: [] as number[], eventMs: [] as number[] };
  const pendingEvents: Array<Promise<unknown>> = [];
  async function oneFile(): Promise<number> {
    const index = ++sequence;
    const jobId = `${runId}-f${index}`;
    const job: FileJob = { path: entry.path, round: 1, entry, sharedContext };
    const started = performance.now();
    const reply = await jobs.request("file-writer", job, { runId, jobId, inputCodec: fileJobCodec, outputCodec: fileResultCodec, timeoutMs: 60_000 });
    const replied = performance.now();
    const digest = createHash("sha256").update(reply.output.content, "utf8").digest("hex");
    if (digest !== reply.output.metadata.sha256) throw new Error(`checksum mismatch on job ${jobId}`);
    const artifact = fileArtifactName(runId, index, entry.path);
    await artifacts.put(artifact, reply.output.content);
    const stored = performance.now();
    // As in agents/code/write-files.ts, the file.written event is sent, not waited for: the job runtime
    // stores a job's events before its result. Each phase still waits for every acknowledgement (below).
    const event = events.publish({ runId, agent: "code", type: "file.written", jobId, data: {
      path: entry.path,
      type: entry.type,
      bytes: Number(reply.output.metadata.bytes),
      lines: reply.output.content.split("\n").length,
      sha256: digest,
      round: 1,
      writer: reply.output.metadata.writer,
      artifact,
      attempt: 1,
      continuations: Number(reply.output.metadata.continuations),
    } });
    pendingEvents.push(event.then(() => phases.eventMs.push(performance.now() - stored)));
    const finished = performance.now();
    phases.requestMs.push(replied - started);
    phases.artifactPutMs.push(stored - replied);
    return finished - started;
  }

  async function measure(count: number, parallel: number) {
    const latencies: number[] = [];
    let remaining = count;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (remaining > 0) {
          remaining--;
          latencies.push(await oneFile());
        }
      }),
    );
    await Promise.all(pendingEvents.splice(0));
    const elapsedMs = performance.now() - started;
    latencies.sort((a, b) => a - b);
    return {
      jobs: count,
      inFlight: parallel,
      p50Ms: round(percentile(latencies, 50)),
      p90Ms: round(percentile(latencies, 90)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(percentile(latencies, 100)),
      jobsPerSecond: round((count / elapsedMs) * 1000, 1),
    };
  }

  await measure(30, 1); // warm-up: JIT, consumer, first HTTP connection, caches
  for (const list of Object.values(phases)) list.length = 0;
  runId = `bench-dispatch-latency-${Date.now()}`;
  const latencyRunId = runId;
  const latency = { writers: 1, ...(await measure(latencyJobs, 1)) };
  const median = (values: number[]) => round(percentile([...values].sort((a, b) => a - b), 50));
  const latencyPhasesP50 = { requestMs: median(phases.requestMs), artifactPutMs: median(phases.artifactPutMs), fileWrittenEventMs: median(phases.eventMs) };
  console.log(`1 in flight, 1 writer: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms`);
  const breakdown = await measureDispatchBreakdown({ connection: environment.connection, subjects: environment.subjects, env: environment.env, samples: latencyJobs });
  console.log(`a job with no model call ${breakdown.jobWithoutModelMs} ms, core round trip ${breakdown.coreRoundTripMs} ms, JetStream publish ${breakdown.jetStreamPublishMs} ms, stored-result look-up ${breakdown.storedResultLookupMs} ms`);
  runId = `bench-dispatch-throughput-${Date.now()}`;
  await environment.addWriters(throughputWriters - 1);
  await measure(inFlight, inFlight);
  const throughput = { writers: throughputWriters, ...(await measure(throughputJobs, inFlight)) };
  console.log(`${inFlight} in flight, ${throughputWriters} writers: ${throughput.jobsPerSecond} jobs/s, p50 ${throughput.p50Ms} ms`);

  // How much of a one-in-flight round trip is the model call itself (SDK + HTTP to the local server)
  // and the writer's whole handler, from the latency phase's llm.call and job.completed events.
  const latencyEvents = await environment.events(latencyRunId);
  const figure = (type: string, field: string) => median(latencyEvents.filter((event) => event.type === type && event.agent === "file-writer").map((event) => Number(event.data[field])));
  const modelCallP50Ms = figure("llm.call", "latencyMs");
  const writerHandlerP50Ms = figure("job.completed", "durationMs");
  // The one-in-flight p50 split into what each part costs (medians do not add exactly; the remainder says how far off).
  const whereTheLatencyGoes = {
    modelCallMs: modelCallP50Ms,
    writerAroundTheModelCallMs: round(writerHandlerP50Ms - modelCallP50Ms),
    jobRuntimeAroundTheHandlerMs: round(latencyPhasesP50.requestMs - writerHandlerP50Ms),
    artifactPutMs: latencyPhasesP50.artifactPutMs,
    remainderMs: round(latency.p50Ms - latencyPhasesP50.requestMs - latencyPhasesP50.artifactPutMs),
  };
  return saveResult("dispatch-overhead", {
    description: "one file job through the code agent's path with a zero-latency model: request to the file-writer pool, checksum, artifact put; the file.written event is sent alongside (acknowledged before the phase ends, not on each job's path, as in the code agent)",
    latency,
    latencyPhasesP50,
    throughput,
    modelCallP50Ms,
    writerHandlerP50Ms,
    whereTheLatencyGoes,
    breakdownP50: {
      description:
        "each part alone on the same bus, p50 of as many samples as the latency phase: a toy agent process (tsx) that answers at once with one event, as the writer does with its llm.call; a core request/reply to it; one JetStream publish to its acknowledgement; one stored-result look-up",
      ...breakdown,
    },
  }, options.outputDirectory ? { directory: options.outputDirectory } : {});
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      jobs: { type: "string", default: "300" },
      "throughput-jobs": { type: "string", default: "1000" },
      writers: { type: "string", default: "4" },
      "in-flight": { type: "string", default: "64" },
    },
  });
  await runDispatchOverhead({ jobs: Number(values.jobs), throughputJobs: Number(values["throughput-jobs"]), writers: Number(values.writers), inFlight: Number(values["in-flight"]) });
}
