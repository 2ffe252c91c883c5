import path from "node:path";
import { fleetAgents } from "../../agents/registry.ts";
import { jsonCodec } from "../../bus/codec.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { repositoryRoot } from "../../cli/fleet.ts";
import { loadTask } from "../../cli/load-task.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { runRequestSchema, runSummarySchema, type RunSummary } from "../../schemas/run.ts";
import { loadScenarioFile, type LatencyModel } from "../../simulator/index.ts";
import { startLoopbackPipeline } from "../../tests/support/loopback-pipeline.ts";
import { sampleMemory } from "./process-memory.ts";

export interface PipelineRun {
  project: string;
  runId: string;
  summary: RunSummary;
  /** Caller's wall time: run job published → run summary received. */
  wallTimeMs: number;
  events: AspEvent[];
  /** Per process (agent-index): peak RSS sampled during the run, and the kernel's lifetime peak. */
  memory: Record<string, { duringRunMiB: number; lifetimePeakMiB: number }>;
}

/** One whole run of an example project through the real fleet (every agent its own process). */
export async function runPipelineOnce(options: { project: string; latency: LatencyModel; writers: number; env?: Record<string, string> }): Promise<PipelineRun> {
  const folder = path.join(repositoryRoot, "examples", options.project);
  const scenario = { ...(await loadScenarioFile(path.join(folder, "scenario.yaml"))), latency: options.latency, faults: undefined };
  const task = await loadTask(path.join(folder, "task.yaml"));
  await using environment = await startLoopbackPipeline({ name: "bench", scenario, agents: fleetAgents, writers: options.writers, env: options.env });
  const jobs = createJobClient({ connection: environment.connection, subjects: environment.subjects });
  const pids = new Map(environment.fleet.processes.map((process, index) => [`${process.name}-${index}`, process.child.pid!]));
  const sampler = sampleMemory(pids);
  const runId = `bench-${options.project}-${Date.now()}`;
  const started = performance.now();
  const reply = await jobs.request("orchestrator", runRequestSchema.parse({ runId, task, pipeline: "default" }), {
    runId,
    jobId: `${runId}-run`,
    inputCodec: jsonCodec(runRequestSchema),
    outputCodec: jsonCodec(runSummarySchema),
    timeoutMs: 600_000,
  });
  const wallTimeMs = performance.now() - started;
  const memory = Object.fromEntries(await sampler.stop());
  const events = await environment.events(runId);
  return { project: options.project, runId, summary: reply.output, wallTimeMs, events, memory };
}
