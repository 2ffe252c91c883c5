/**
 * Waves against all at once (not a test): the code stage of service-js written by 4 file-writer
 * processes, once in waves along dependsOn (the default, decision 1101) and once with every file at
 * once (ASP_CODE_WRITE_ORDER=all-at-once). For each: the file phase's makespan (manifest.ready → last
 * file.written), the critical path the latency model predicts, the number of waves, and the writers'
 * input tokens and cost, which grow in waves because each file carries the files it depends on.
 *
 *   npx tsx bench/waves.ts [--writers 4] [--ttft 300] [--tokens-per-second 150] [--repeats 3] [--out DIRECTORY]
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { buildPlan } from "../agents/planning/complexity.ts";
import { planAllAtOnce, planWaves } from "../agents/code/waves.ts";
import type { CodeWriteOrder } from "../agents/shared/agent-config.ts";
import { jsonCodec } from "../bus/codec.ts";
import { createJobClient } from "../bus/job-client.ts";
import { startLoopbackPipeline } from "../tests/support/loopback-pipeline.ts";
import { designSchema } from "../schemas/design.ts";
import { codeResultSchema } from "../schemas/file-job.ts";
import { manifestSchema } from "../schemas/manifest.ts";
import { planDraftSchema } from "../schemas/plan.ts";
import type { AspEvent } from "../schemas/event.ts";
import { countTokens } from "../simulator/token-count.ts";
import { isMain } from "./support/is-main.ts";
import { saveResult } from "./support/results.ts";
import { fileDurationMs, type LatencyModel } from "./support/skewed-scenario.ts";
import { longestFirstMakespan } from "./support/critical-path.ts";
import path from "node:path";
import { repositoryRoot } from "../cli/fleet.ts";
import { loadTask } from "../cli/load-task.ts";
import { lastReplyOf, loadScenarioFile } from "../simulator/index.ts";
import { percentile, round, sum } from "./support/statistics.ts";

export interface WriteOrderMeasurement {
  order: CodeWriteOrder;
  waves: number;
  /** Median over the repeats of manifest.ready → last file.written. */
  makespanMs: number;
  /** The latency model's makespan: per wave, longest-first on the writers, waves one after another. */
  predictedMs: number;
  fileCalls: number;
  fileInputTokens: number;
  fileCostUsd: number;
}

const anyCodec = jsonCodec(z.record(z.string(), z.unknown()));

export interface WavesBenchmarkOptions {
  writers?: number;
  latency?: LatencyModel;
  repeats?: number;
  /** Where waves.json goes (default bench/results/); a test passes a temporary folder. */
  outputDirectory?: string;
}

export async function runWavesBenchmark(options: WavesBenchmarkOptions = {}) {
  const writers = options.writers ?? 4;
  const latency = options.latency ?? { timeToFirstTokenMs: 300, tokensPerSecond: 150 };
  const repeats = options.repeats ?? 3;
  const exampleDirectory = path.join(repositoryRoot, "examples", "service-js");
  const task = await loadTask(path.join(exampleDirectory, "task.yaml"));
  const scenario = { ...(await loadScenarioFile(path.join(exampleDirectory, "scenario.yaml"))), latency };
  const plan = buildPlan(planDraftSchema.parse(lastReplyOf(scenario.agents.planning!)));
  const design = designSchema.parse(lastReplyOf(scenario.agents.design!));
  const manifest = manifestSchema.parse(lastReplyOf(scenario.agents.code!));
  const fileTokens = new Map(Object.entries(scenario.files).map(([filePath, entry]) => [filePath, countTokens(String(lastReplyOf(entry)))]));
  const duration = (filePath: string) => fileDurationMs(fileTokens.get(filePath) ?? 0, latency);

  const measurements: WriteOrderMeasurement[] = [];
  for (const order of ["waves", "all-at-once"] as const) {
    const wavePlan = order === "waves" ? planWaves(manifest.files) : planAllAtOnce(manifest.files);
    const predictedMs = sum(wavePlan.waves.map((wave) => longestFirstMakespan(wave.map((entry) => duration(entry.path)), writers)));
    await using environment = await startLoopbackPipeline({ name: "bench-waves", scenario, agents: ["code"], writers, env: { ASP_CODE_WRITE_ORDER: order } });
    const jobs = createJobClient({ connection: environment.connection, subjects: environment.subjects });
    const makespans: number[] = [];
    let fileEvents: AspEvent[] = [];
    for (let repeat = 0; repeat < repeats; repeat++) {
      const runId = `bench-waves-${order}-${repeat}-${Date.now()}`;
      await jobs.request("code", { runId, task: task, stage: "code", round: 1, reviewers: [], plan, design }, {
        runId, jobId: `${runId}-code-r1`, inputCodec: anyCodec, outputCodec: jsonCodec(codeResultSchema), timeoutMs: 600_000,
      });
      const events = await environment.events(runId);
      const start = events.find((event) => event.type === "manifest.ready");
      const written = events.filter((event) => event.type === "file.written");
      if (!start || written.length !== manifest.files.length) throw new Error(`run ${runId}: ${written.length} of ${manifest.files.length} files written`);
      makespans.push(Math.max(...written.map((event) => Date.parse(event.time))) - Date.parse(start.time));
      fileEvents = events.filter((event) => event.type === "llm.call" && event.agent === "file-writer");
    }
    const measurement: WriteOrderMeasurement = {
      order,
      waves: wavePlan.waves.length,
      makespanMs: percentile([...makespans].sort((a, b) => a - b), 50),
      predictedMs: round(predictedMs, 1),
      fileCalls: fileEvents.length,
      fileInputTokens: sum(fileEvents.map((event) => Number(event.data.inputTokens ?? 0) + Number(event.data.cacheReadTokens ?? 0) + Number(event.data.cacheWriteTokens ?? 0))),
      fileCostUsd: round(sum(fileEvents.map((event) => Number(event.data.costUsd ?? 0))), 6),
    };
    measurements.push(measurement);
    console.log(`${order}: ${measurement.waves} wave(s), makespan ${measurement.makespanMs} ms (model ${measurement.predictedMs} ms), ${measurement.fileInputTokens} input tokens, $${measurement.fileCostUsd}`);
  }
  const [waves, allAtOnce] = measurements as [WriteOrderMeasurement, WriteOrderMeasurement];
  return saveResult("waves", {
    description: `service-js's code stage (${manifest.files.length} files) on ${writers} writers: waves along dependsOn against every file at once; median of ${repeats}`,
    latency,
    writers,
    measurements,
    criticalPathRatio: round(waves.makespanMs / allAtOnce.makespanMs, 3),
    inputTokenRatio: round(waves.fileInputTokens / allAtOnce.fileInputTokens, 3),
  }, options.outputDirectory === undefined ? {} : { directory: options.outputDirectory });
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: { writers: { type: "string", default: "4" }, ttft: { type: "string", default: "300" }, "tokens-per-second": { type: "string", default: "150" }, repeats: { type: "string", default: "3" }, out: { type: "string" } },
  });
  await runWavesBenchmark({
    writers: Number(values.writers),
    latency: { timeToFirstTokenMs: Number(values.ttft), tokensPerSecond: Number(values["tokens-per-second"]) },
    repeats: Number(values.repeats),
    ...(values.out === undefined ? {} : { outputDirectory: values.out }),
  });
}
