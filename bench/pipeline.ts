/**
 * Pipeline overhead, cost and memory (not a test). Two whole runs of one example project through
 * the real fleet:
 *   1. with the latency model and prompt caching: run time vs the critical path of its model calls,
 *      the agents' resident memory, and the cached token bill;
 *   2. with a zero-latency model and ASP_LLM_PROMPT_CACHING=false: the same bill without caching.
 * The one-call-for-every-file alternative is estimated from run 1's prompt and the scenario's files.
 *
 *   npx tsx bench/pipeline.ts [--project service-js] [--ttft 200] [--tokens-per-second 400] [--writers 26]
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { repositoryRoot } from "../cli/fleet.ts";
import { lastReplyOf, loadScenarioFile } from "../simulator/index.ts";
import { ensureBuild } from "../cli/build/ensure-build.ts";
import { costByPart, singleCallEstimate } from "./support/cost-breakdown.ts";
import { criticalPath } from "./support/critical-path.ts";
import { isMain } from "./support/is-main.ts";
import { runPipelineOnce } from "./support/pipeline-run.ts";
import { saveResult } from "./support/results.ts";
import { round } from "./support/statistics.ts";

export async function runPipelineBenchmarks(options: { project?: string; ttftMs?: number; tokensPerSecond?: number; writers?: number; nodeOptions?: string } = {}) {
  const project = options.project ?? "service-js";
  // One writer per file by default, so the critical path (longest file, not total / writers) is reachable.
  const writers = options.writers ?? 26;
  const latency = { timeToFirstTokenMs: options.ttftMs ?? 200, tokensPerSecond: options.tokensPerSecond ?? 400 };

  // Run 1 on the built agents (the memory fix), run 2 on tsx, so memory is measured both ways.
  await ensureBuild();
  const cached = await runPipelineOnce({ project, latency, writers, env: { ASP_AGENT_RUNNER: "build", ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}) } });
  if (cached.summary.status !== "passed") throw new Error(`run ${cached.runId} ended ${cached.summary.status}: ${cached.summary.reason ?? ""}`);
  const path_ = criticalPath(cached.events, writers);
  const time = (type: string) => Date.parse(cached.events.find((event) => event.type === type)?.time ?? "");
  const runEventsMs = time("run.completed") - time("run.started");
  const testStageMs = path_.stages.filter((stage) => stage.stage === "test").reduce((total, stage) => total + stage.durationMs, 0);
  const overhead = {
    project,
    latency,
    writers,
    wallTimeMs: Math.round(cached.wallTimeMs),
    runStartedToCompletedMs: Number.isFinite(runEventsMs) ? runEventsMs : null,
    criticalPathMs: path_.criticalMs,
    overheadPercent: round(((cached.wallTimeMs - path_.criticalMs) / path_.criticalMs) * 100, 1),
    // With fewer writers than files the pool itself lengthens the code stage; this is that bound.
    poolBoundCriticalPathMs: path_.poolBoundMs,
    overheadOverPoolBoundPercent: round(((cached.wallTimeMs - path_.poolBoundMs) / path_.poolBoundMs) * 100, 1),
    // The test stage runs the generated project's tests in a sandbox: real work, but no model call.
    testStageMs,
    overheadWithoutTestStagePercent: round(((cached.wallTimeMs - testStageMs - path_.criticalMs) / path_.criticalMs) * 100, 1),
    stages: path_.stages,
  };
  console.log(`pipeline: ${overhead.wallTimeMs} ms vs critical path ${overhead.criticalPathMs} ms: overhead ${overhead.overheadPercent}% (${overhead.overheadWithoutTestStagePercent}% without the ${testStageMs} ms test stage)`);
  const pipelineResult = await saveResult("pipeline-overhead", overhead);

  // Tokens do not depend on latency or on the number of writers: a small, instant fleet is enough.
  const uncached = await runPipelineOnce({ project, latency: { timeToFirstTokenMs: 0, tokensPerSecond: 0 }, writers: 4, env: { ASP_LLM_PROMPT_CACHING: "false", ASP_AGENT_RUNNER: "tsx" } });
  const memorySummary = (memory: typeof cached.memory) => ({
    processes: memory,
    maxDuringRunMiB: Math.max(...Object.values(memory).map((entry) => entry.duringRunMiB)),
    maxLifetimePeakMiB: Math.max(...Object.values(memory).map((entry) => entry.lifetimePeakMiB)),
  });
  const memoryResult = await saveResult("memory", {
    project,
    build: { runner: "node out/build/<hash>/agent.mjs <name> (ASP_AGENT_RUNNER=build, the default)", run: "latency model, caching on", ...memorySummary(cached.memory) },
    tsx: { runner: "node --import tsx cli/main.ts agent <name> (default)", run: "zero latency, caching off", ...memorySummary(uncached.memory) },
  });
  const peak = (entry: unknown) => (entry as { maxLifetimePeakMiB: number }).maxLifetimePeakMiB;
  console.log(`memory: largest agent process peak RSS ${peak(memoryResult.build)} MiB built, ${peak(memoryResult.tsx)} MiB on tsx`);

  if (uncached.summary.status !== "passed") throw new Error(`run ${uncached.runId} ended ${uncached.summary.status}: ${uncached.summary.reason ?? ""}`);
  const withCaching = costByPart(cached.events);
  const withoutCaching = costByPart(uncached.events);
  const scenario = await loadScenarioFile(path.join(repositoryRoot, "examples", project, "scenario.yaml"));
  const manifestPaths = ((scenario.agents.code as { files: Array<{ path: string }> }).files ?? []).map((file) => file.path);
  const files = Object.fromEntries(
    manifestPaths.map((filePath) => {
      const text = scenario.files[filePath];
      return [filePath, text === undefined ? "" : lastReplyOf(text)];
    }),
  );
  const single = singleCallEstimate(cached.events, files);
  const cost = {
    project,
    withCaching,
    withoutCaching,
    writerInputCostCutPercent: round((1 - withCaching.writers.inputUsd / withoutCaching.writers.inputUsd) * 100, 1),
    runCostCutPercent: round((1 - withCaching.run.usd / withoutCaching.run.usd) * 100, 1),
    singleCall: single,
    codeStageVsSingleCall: round(withCaching.codeStage.usd / single.usd, 2),
  };
  console.log(`cost: caching cuts writer input cost by ${cost.writerInputCostCutPercent}%; code stage $${withCaching.codeStage.usd} vs one call $${single.usd}`);
  const costResult = await saveResult("cost", cost);
  return { pipeline: pipelineResult, memory: memoryResult, cost: costResult };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      project: { type: "string", default: "service-js" },
      ttft: { type: "string", default: "200" },
      "tokens-per-second": { type: "string", default: "400" },
      writers: { type: "string", default: "26" },
      "node-options": { type: "string", default: "" },
    },
  });
  await runPipelineBenchmarks({ project: values.project, ttftMs: Number(values.ttft), tokensPerSecond: Number(values["tokens-per-second"]), writers: Number(values.writers), nodeOptions: values["node-options"] });
}
