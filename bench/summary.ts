/**
 * Combines bench/results/*.json into bench/results/summary.md and the writer-scaling chart
 * (bench/results/writer-scaling.svg), and puts the table into README.md between its bench markers.
 *
 *   npx tsx bench/summary.ts
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { repositoryRoot } from "../cli/fleet.ts";
import type { WriterScalingPoint } from "./writer-scaling.ts";
import { isMain } from "./support/is-main.ts";
import { loadResult, resultsDirectory, type RecordedResult } from "./support/results.ts";
import { scalingChartSvg } from "./support/scaling-chart.ts";

/** The goal is in MB (10^6 bytes); /proc reports KiB, which the results keep as MiB. */
const megabytes = (mebibytes: number) => Math.round(((mebibytes * 1024 * 1024) / 1e6) * 10) / 10;

export const readmeStart = "<!-- bench:summary:start -->";
export const readmeEnd = "<!-- bench:summary:end -->";

interface Row {
  benchmark: string;
  goal: string;
  measured: string;
  met: boolean | undefined;
  load: string;
}

const yesNo = (met: boolean | undefined) => (met === undefined ? "–" : met ? "yes" : "**no**");
const loadOf = (result: RecordedResult | undefined) => (result ? result.loadAverage.map((value) => value.toFixed(2)).join(" / ") : "–");
const at = (result: RecordedResult | undefined, key: string) => (result as Record<string, any> | undefined)?.[key];

export async function writeSummary(): Promise<string> {
  const scaling = await loadResult("writer-scaling");
  const dispatch = await loadResult("dispatch-overhead");
  const pipeline = await loadResult("pipeline-overhead");
  const cost = await loadResult("cost");
  const memory = await loadResult("memory");
  const bus = await loadResult("bus-round-trip");
  const waves = await loadResult("waves");
  const startup = await loadResult("startup");
  const rows: Row[] = [];

  const points = (at(scaling, "points") ?? []) as WriterScalingPoint[];
  for (const point of points) {
    rows.push({
      benchmark: `writer scaling, ${point.writers} writer${point.writers === 1 ? "" : "s"}`,
      goal: point.writers === 8 ? "efficiency ≥ 90% at 8" : "–",
      measured: `${(point.makespanMs / 1000).toFixed(2)} s vs ideal ${(point.idealMs / 1000).toFixed(2)} s: ${(point.efficiency * 100).toFixed(1)}% (${((point.efficiencyVsSchedule ?? Number.NaN) * 100).toFixed(1)}% of the longest-first bound ${((point.scheduleBoundMs ?? Number.NaN) / 1000).toFixed(2)} s)`,
      met: point.writers === 8 ? point.efficiency >= 0.9 : undefined,
      load: loadOf(scaling),
    });
  }
  if (dispatch) {
    const latency = at(dispatch, "latency");
    const throughput = at(dispatch, "throughput");
    rows.push({
      benchmark: "dispatch, 1 file job in flight (1 writer)",
      goal: "p50 ≤ 2 ms",
      measured: `p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms (model call p50 ${at(dispatch, "modelCallP50Ms")} ms of it)`,
      met: latency.p50Ms <= 2,
      load: loadOf(dispatch),
    });
    rows.push({
      benchmark: `dispatch, ${throughput.inFlight} in flight (${throughput.writers} writers)`,
      goal: "–",
      measured: `${throughput.jobsPerSecond} file jobs/s, p50 ${throughput.p50Ms} ms, p99 ${throughput.p99Ms} ms`,
      met: undefined,
      load: loadOf(dispatch),
    });
  }
  if (pipeline) {
    rows.push({
      benchmark: `pipeline overhead (${at(pipeline, "project")}, ${at(pipeline, "writers")} writers)`,
      goal: "≤ 5%",
      measured: `${(at(pipeline, "wallTimeMs") / 1000).toFixed(2)} s vs critical path ${(at(pipeline, "criticalPathMs") / 1000).toFixed(2)} s: ${at(pipeline, "overheadPercent")}% (${at(pipeline, "overheadWithoutTestStagePercent")}% without the ${(at(pipeline, "testStageMs") / 1000).toFixed(2)} s test sandbox)`,
      met: at(pipeline, "overheadPercent") <= 5,
      load: loadOf(pipeline),
    });
  }
  if (waves) {
    const [inWaves, allAtOnce] = at(waves, "measurements") as Array<{ waves: number; makespanMs: number; predictedMs: number; fileInputTokens: number; fileCostUsd: number }>;
    rows.push({
      benchmark: `code stage in waves vs all at once (service-js, ${at(waves, "writers")} writers)`,
      goal: "–",
      measured: `${inWaves!.waves} waves ${(inWaves!.makespanMs / 1000).toFixed(2)} s vs ${(allAtOnce!.makespanMs / 1000).toFixed(2)} s (×${at(waves, "criticalPathRatio")}); input tokens ×${at(waves, "inputTokenRatio")}, $${inWaves!.fileCostUsd} vs $${allAtOnce!.fileCostUsd}`,
      met: undefined,
      load: loadOf(waves),
    });
  }
  if (cost) {
    const withCaching = at(cost, "withCaching");
    const withoutCaching = at(cost, "withoutCaching");
    const single = at(cost, "singleCall");
    rows.push({
      benchmark: `prompt caching, writer input cost (${at(cost, "project")})`,
      goal: "cut ≥ 60%",
      measured: `$${withCaching.writers.inputUsd.toFixed(4)} vs $${withoutCaching.writers.inputUsd.toFixed(4)} uncached: −${at(cost, "writerInputCostCutPercent")}% (whole run $${withCaching.run.usd.toFixed(4)} vs $${withoutCaching.run.usd.toFixed(4)})`,
      met: at(cost, "writerInputCostCutPercent") >= 60,
      load: loadOf(cost),
    });
    rows.push({
      benchmark: "code stage vs one call returning every file",
      goal: "–",
      measured: `$${withCaching.codeStage.usd.toFixed(4)} (${withCaching.codeStage.calls} calls) vs est. $${single.usd.toFixed(4)} (${single.inputTokens} in, ${single.outputTokens} out; files ${single.rawFileTokens} tokens unescaped)`,
      met: undefined,
      load: loadOf(cost),
    });
  }
  if (memory) {
    const build = at(memory, "build");
    const tsx = at(memory, "tsx");
    rows.push({
      benchmark: "peak RSS per agent process, built (ASP_AGENT_RUNNER=build, the default), service-js",
      goal: "≤ 100 MB",
      measured: `max ${build.maxLifetimePeakMiB} MiB (${megabytes(build.maxLifetimePeakMiB)} MB) over ${Object.keys(build.processes).length} processes`,
      met: megabytes(build.maxLifetimePeakMiB) <= 100,
      load: loadOf(memory),
    });
    rows.push({
      benchmark: "peak RSS per agent process, tsx (ASP_AGENT_RUNNER=tsx)",
      goal: "≤ 100 MB",
      measured: `max ${tsx.maxLifetimePeakMiB} MiB (${megabytes(tsx.maxLifetimePeakMiB)} MB)`,
      met: megabytes(tsx.maxLifetimePeakMiB) <= 100,
      load: loadOf(memory),
    });
  }
  if (startup) {
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const fleetReady = at(startup, "fleetReady");
    const npmStart = at(startup, "npmStart");
    const residentRun = at(startup, "residentRun");
    const startupMemory = at(startup, "memory");
    const processes = fleetReady.cold.processes;
    rows.push({
      benchmark: `fleet ready, ${processes} processes (asp up --writers 2), warm`,
      goal: "≤ 2 s",
      measured: `median ${seconds(fleetReady.warmMedianMs)} to "fleet up" (agents' own start ${seconds(fleetReady.warmAgentsMedianMs)}${fleetReady.warmAgentsCpuMedianMs === undefined ? "" : `, using ${seconds(fleetReady.warmAgentsCpuMedianMs)} of CPU on ${startup.machine.cores} cores`}); runs ${fleetReady.warm.map((entry: { readyMs: number }) => seconds(entry.readyMs)).join(", ")}`,
      met: fleetReady.warmMedianMs <= 2000,
      load: loadOf(startup),
    });
    rows.push({
      benchmark: "fleet ready, cold (build missing, built first)",
      goal: "–",
      measured: `${seconds(fleetReady.cold.readyMs)} (agents ${seconds(fleetReady.cold.agentsMs)})`,
      met: undefined,
      load: loadOf(startup),
    });
    rows.push({
      benchmark: "npm start, warm (build current), to the end of the run",
      goal: "≤ 5 s",
      measured: `median ${seconds(npmStart.warmMedianMs)}; runs ${npmStart.warm.map((entry: { ms: number }) => seconds(entry.ms)).join(", ")}`,
      met: npmStart.warmMedianMs <= 5000,
      load: loadOf(startup),
    });
    rows.push({
      benchmark: "npm start, first start (build missing)",
      goal: "≤ 10 s",
      measured: seconds(npmStart.cold.ms),
      met: npmStart.cold.ms <= 10_000,
      load: loadOf(startup),
    });
    rows.push({
      benchmark: "asp run of hello-python against a resident fleet",
      goal: "≤ 2 s",
      measured: `median ${seconds(residentRun.medianMs)}; runs ${residentRun.runs.map((entry: { ms: number }) => seconds(entry.ms)).join(", ")} (asp up --detach ${seconds(residentRun.upDetachMs)})`,
      met: residentRun.medianMs <= 2000,
      load: loadOf(startup),
    });
    rows.push({
      benchmark: "peak RSS per agent process, default runner (the build), after hello-python runs",
      goal: "≤ 80 MB",
      measured: `max ${startupMemory.maxPeakRssMiB} MiB (${megabytes(startupMemory.maxPeakRssMiB)} MB) over ${startupMemory.processes.length} processes`,
      met: megabytes(startupMemory.maxPeakRssMiB) <= 80,
      load: loadOf(startup),
    });
  }
  if (bus) {
    rows.push({
      benchmark: "bus round trip, toy job (in-process workers)",
      goal: "–",
      measured: `p50 ${at(bus, "p50Ms")} ms, p99 ${at(bus, "p99Ms")} ms, ${at(bus, "jobsPerSecond")} jobs/s`,
      met: undefined,
      load: bus.loadAverage ? loadOf(bus) : "–",
    });
  }

  const machine = (scaling ?? dispatch ?? pipeline ?? cost ?? memory)?.machine;
  const dates = [scaling, dispatch, pipeline, cost, memory, startup].flatMap((result) => (result ? [result.date] : [])).sort();
  const table = [
    "| benchmark | goal | measured | met | load 1/5/15 min |",
    "| --- | --- | --- | :---: | --- |",
    ...rows.map((row) => `| ${row.benchmark} | ${row.goal} | ${row.measured} | ${yesNo(row.met)} | ${row.load} |`),
  ].join("\n");
  const machineLine = machine
    ? `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}, ${machine.natsServer}. Measured ${dates[0] ?? "?"} – ${dates[dates.length - 1] ?? "?"}.`
    : "No results yet: run `npm run bench`.";
  const summary = [
    "# Benchmark summary",
    "",
    "Generated by `npm run bench` (bench/summary.ts) from the JSON files next to this one; what each number means is in [docs/benchmarks.md](../../docs/benchmarks.md).",
    "",
    table,
    "",
    machineLine,
    "",
    "![Writer scaling](writer-scaling.svg)",
    "",
  ].join("\n");
  await writeFile(new URL("summary.md", resultsDirectory), summary);

  if (points.length > 0) {
    const latency = at(scaling, "latency");
    const subtitle = `40 files, ${(at(scaling, "totalFileTimeMs") / 1000).toFixed(1)} s of model time, longest ${(at(scaling, "longestFileMs") / 1000).toFixed(1)} s; ttft ${latency.timeToFirstTokenMs} ms, ${latency.tokensPerSecond} tokens/s`;
    await writeFile(new URL("writer-scaling.svg", resultsDirectory), scalingChartSvg(points, subtitle));
  }
  await updateReadme(table, machineLine);
  return summary;
}

/** Replaces only the text between the bench markers; the rest of README.md is not this script's. */
async function updateReadme(table: string, machineLine: string): Promise<void> {
  const readmePath = path.join(repositoryRoot, "README.md");
  const readme = await readFile(readmePath, "utf8");
  const start = readme.indexOf(readmeStart);
  const end = readme.indexOf(readmeEnd);
  if (start < 0 || end < start) return;
  const block = `${readmeStart}\n${table}\n\n${machineLine}\n${readmeEnd}`;
  await writeFile(readmePath, `${readme.slice(0, start)}${block}${readme.slice(end + readmeEnd.length)}`);
}

if (isMain(import.meta.url)) {
  console.log(await writeSummary());
}
