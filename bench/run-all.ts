/**
 * `npm run bench`: every benchmark in turn, then the summary table, the chart and the README
 * section. Each benchmark is bounded and stops by itself; results go to bench/results/.
 * Run it on a quiet machine: the numbers are only as good as the CPU time they get.
 */
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import path from "node:path";
import { repositoryRoot } from "../cli/fleet.ts";
import { runDispatchOverhead } from "./dispatch-overhead.ts";
import { runInstallCacheBenchmark } from "./install-cache.ts";
import { runPipelineBenchmarks } from "./pipeline.ts";
import { runStartupBenchmark } from "./startup.ts";
import { writeSummary } from "./summary.ts";
import { runWavesBenchmark } from "./waves.ts";
import { runWriterScaling } from "./writer-scaling.ts";

const [oneMinute] = loadavg();
if (oneMinute! > 1.5) console.warn(`warning: 1-minute load average is ${oneMinute!.toFixed(2)}; results record it, but they will be slower than this machine can do`);

/** The bus benchmark is its own script (top-level await); run it as a child process. */
function runBusBenchmark(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(repositoryRoot, "bench", "bus-round-trip.ts")], { stdio: "inherit" });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`bench/bus-round-trip.ts exited with ${code}`))));
  });
}

// First: it removes the build to measure a cold start, and the later benchmarks rebuild it anyway.
console.log("== start-up: fleet ready, npm start, asp run against a resident fleet, memory");
await runStartupBenchmark();
console.log("== bus round trip");
await runBusBenchmark();
console.log("== dispatch overhead");
await runDispatchOverhead();
console.log("== writer scaling");
await runWriterScaling();
console.log("== pipeline overhead, cost and memory");
await runPipelineBenchmarks();
console.log("== waves against all at once, service-js");
await runWavesBenchmark();
console.log("== install phase, cold and warm cache");
await runInstallCacheBenchmark();
console.log("== summary");
console.log(await writeSummary());
