/**
 * Writer scaling (not a test): one code job of 40 files with skewed sizes, written by 1, 2, 4 and 8
 * file-writer processes. The makespan of the file phase (manifest ready → last file.written, from
 * the run's events) is compared with the ideal max(longest file, total / N) of the latency model.
 *
 *   npx tsx bench/writer-scaling.ts [--writers 1,2,4,8] [--ttft 200] [--tokens-per-second 400]
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { z } from "zod";
import { buildPlan } from "../agents/planning/complexity.ts";
import { jsonCodec } from "../bus/codec.ts";
import { createJobClient } from "../bus/job-client.ts";
import { repositoryRoot } from "../cli/fleet.ts";
import { parseTask } from "../cli/load-task.ts";
import { designSchema } from "../schemas/design.ts";
import { codeResultSchema } from "../schemas/file-job.ts";
import { planDraftSchema } from "../schemas/plan.ts";
import { startLoopbackPipeline } from "../tests/support/loopback-pipeline.ts";
import { saveResult } from "./support/results.ts";
import { fileDurationMs, skewedScenario, type LatencyModel } from "./support/skewed-scenario.ts";
import { round, sum } from "./support/statistics.ts";
import { isMain } from "./support/is-main.ts";
import { longestFirstMakespan } from "./support/critical-path.ts";

export interface WriterScalingPoint {
  writers: number;
  makespanMs: number;
  idealMs: number;
  efficiency: number;
  /** Longest-first on N writers with zero overhead: what the dispatch order can reach at best. */
  scheduleBoundMs: number;
  /** scheduleBound / makespan: the share lost to the system rather than to whole files not dividing evenly. */
  efficiencyVsSchedule: number;
}

const anyCodec = jsonCodec(z.record(z.string(), z.unknown()));

export async function runWriterScaling(options: { writerCounts?: number[]; latency?: LatencyModel } = {}) {
  const writerCounts = [...(options.writerCounts ?? [1, 2, 4, 8])].sort((a, b) => a - b);
  const latency = options.latency ?? { timeToFirstTokenMs: 200, tokensPerSecond: 400 };
  const { scenario, files } = await skewedScenario(latency);
  const durations = files.map((file) => fileDurationMs(file.tokens, latency));
  const task = parseTask(parse(await readFile(path.join(repositoryRoot, "examples/hello-python/task.yaml"), "utf8")), "hello-python task");
  const plan = buildPlan(planDraftSchema.parse(scenario.agents.planning));
  const design = designSchema.parse(scenario.agents.design);

  await using environment = await startLoopbackPipeline({ name: "bench", scenario, agents: ["code"], writers: writerCounts[0]! });
  const jobs = createJobClient({ connection: environment.connection, subjects: environment.subjects });
  const points: WriterScalingPoint[] = [];
  let writers = writerCounts[0]!;
  for (const count of writerCounts) {
    if (count > writers) await environment.addWriters(count - writers);
    writers = count;
    const runId = `bench-scaling-${count}-${Date.now()}`;
    await jobs.request("code", { runId, task, stage: "code", round: 1, reviewers: [], plan, design }, {
      runId,
      jobId: `${runId}-code-r1`,
      inputCodec: anyCodec,
      outputCodec: jsonCodec(codeResultSchema),
      timeoutMs: 600_000,
    });
    const events = await environment.events(runId);
    const start = events.find((event) => event.type === "manifest.ready");
    const written = events.filter((event) => event.type === "file.written");
    if (!start || written.length !== files.length) throw new Error(`run ${runId}: ${written.length} of ${files.length} files written`);
    const makespanMs = Math.max(...written.map((event) => Date.parse(event.time))) - Date.parse(start.time);
    const idealMs = Math.max(Math.max(...durations), sum(durations) / count);
    const scheduleBoundMs = longestFirstMakespan(durations, count);
    points.push({
      writers: count,
      makespanMs,
      idealMs: round(idealMs, 1),
      efficiency: round(idealMs / makespanMs, 3),
      scheduleBoundMs: round(scheduleBoundMs, 1),
      efficiencyVsSchedule: round(scheduleBoundMs / makespanMs, 3),
    });
    console.log(`writers ${count}: makespan ${makespanMs} ms, ideal ${round(idealMs)} ms, efficiency ${round((idealMs / makespanMs) * 100, 1)}% (longest-first bound ${round(scheduleBoundMs)} ms)`);
  }
  return saveResult("writer-scaling", {
    description: "40 files (3 × 2000, 5 × 600, 32 × 150 tokens) of one code job; makespan = manifest.ready → last file.written",
    latency,
    files: files.map((file) => ({ path: file.path, tokens: file.tokens })),
    totalFileTimeMs: round(sum(durations), 1),
    longestFileMs: round(Math.max(...durations), 1),
    points,
  });
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: { writers: { type: "string", default: "1,2,4,8" }, ttft: { type: "string", default: "200" }, "tokens-per-second": { type: "string", default: "400" } },
  });
  await runWriterScaling({
    writerCounts: values.writers.split(",").map(Number),
    latency: { timeToFirstTokenMs: Number(values.ttft), tokensPerSecond: Number(values["tokens-per-second"]) },
  });
}
