/**
 * Start-up (not a test): how long a user waits before the system works, with the default runner
 * (the build, decision 1410). Each figure is the wall time of the real command, as a user types it:
 *   - fleet ready: `asp up --writers 2` (13 processes) until it prints "fleet up"; cold = out/build
 *     missing (the build is part of the wait), warm = the build current;
 *   - `npm start`, cold (no build) and warm, until it exits with the run done;
 *   - `asp run` of hello-python against a resident fleet (`asp up --detach`), then `asp down`;
 *   - the peak resident memory (VmHWM) of every agent process of that fleet after its runs.
 * Each run uses a fresh ASP_DATA_DIR, so a resident fleet of the machine's user is never touched.
 *
 *   npx tsx bench/startup.ts [--repeats 3]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fleetAgents } from "../agents/registry.ts";
import { repositoryBuildLayout } from "../cli/build/ensure-build.ts";
import { readLiveFleet } from "../cli/fleet-address.ts";
import { repositoryRoot } from "../cli/fleet.ts";
import { childProcessesOf } from "./support/child-processes.ts";
import { isMain } from "./support/is-main.ts";
import { readProcessMemory } from "./support/process-memory.ts";
import { saveResult } from "./support/results.ts";
import { percentile } from "./support/statistics.ts";
import { timedCommand, waitForMark } from "./support/timed-command.ts";

const scenario = path.join("examples", "hello-python", "scenario.yaml");
const command = path.join(repositoryRoot, "cli", "bin.mjs");
const writers = 2;
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
const currentLoad = () => loadavg().map((value) => Math.round(value * 100) / 100);

async function freshDataDirectory(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "asp-bench-startup-"));
}

/** The env of a user's shell: no runner override, no NATS_URL, no API key, a data folder of its own. */
function userEnv(dataDir: string): Record<string, string | undefined> {
  const { ASP_AGENT_RUNNER: _agent, ASP_CLI_RUNNER: _cli, NATS_URL: _nats, ANTHROPIC_API_KEY: _key, ASP_RESOURCES_READY: _ready, ...env } = process.env;
  return { ...env, ASP_DATA_DIR: dataDir };
}

async function removeBuild(): Promise<void> {
  await rm(repositoryBuildLayout.outputDirectory, { recursive: true, force: true });
}

export interface FleetReadyMeasurement {
  /** spawn of `asp up` → "fleet up". */
  readyMs: number;
  /** The local model server is up (the last step before the agents start) → "fleet up": the agents' own start. */
  agentsMs: number;
  processes: number;
  /** CPU the agent processes used until ready, summed: the start's cost on an idle machine is at least this / cores. */
  agentsCpuMs: number;
  loadAverage: number[];
}

async function measureFleetReady(): Promise<FleetReadyMeasurement> {
  const dataDir = await freshDataDirectory();
  const up = timedCommand(process.execPath, [command, "up", "--writers", String(writers), "--scenario", scenario], {
    cwd: repositoryRoot,
    env: userEnv(dataDir),
    marks: { environment: /using the local model server/, ready: /^fleet up/m },
  });
  try {
    const readyMs = await waitForMark(up, "ready", 120_000);
    const agents = (await childProcessesOf(up.child.pid!)).filter((child) => child.commandLine.includes("agent") || child.commandLine.some(isAgentProgram));
    const agentsCpuMs = agents.reduce((total, agent) => total + agent.cpuMs, 0);
    return { readyMs, agentsMs: readyMs - (up.marks.environment ?? 0), processes: agents.length, agentsCpuMs, loadAverage: currentLoad() };
  } finally {
    up.child.kill("SIGTERM");
    await up.exited;
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function measureNpmStart(dataDir: string): Promise<{ ms: number; code: number | null; loadAverage: number[] }> {
  const start = timedCommand("npm", ["start", "--silent"], { cwd: repositoryRoot, env: userEnv(dataDir) });
  const { code, ms } = await start.exited;
  if (code !== 0) throw new Error(`npm start exited with ${code}:\n${start.output().slice(-3000)}`);
  return { ms, code, loadAverage: currentLoad() };
}

interface AgentMemory {
  agent: string;
  pid: number;
  peakRssMiB: number;
  rssMiB: number;
}

async function measureResidentFleet(repeats: number) {
  const dataDir = await freshDataDirectory();
  const env = userEnv(dataDir);
  const upStarted = performance.now();
  const up = timedCommand(process.execPath, [command, "up", "--detach", "--writers", String(writers), "--scenario", scenario], { cwd: repositoryRoot, env });
  const detached = await up.exited;
  const upMs = Math.round(performance.now() - upStarted);
  if (detached.code !== 0) throw new Error(`asp up --detach exited with ${detached.code}:\n${up.output()}`);
  try {
    const runs: Array<{ ms: number; loadAverage: number[] }> = [];
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      const out = path.join(dataDir, `run-${repeat}`);
      const runCommand = timedCommand(process.execPath, [command, "run", "--scenario", scenario, "--out", out], { cwd: repositoryRoot, env });
      const { code, ms } = await runCommand.exited;
      if (code !== 0) throw new Error(`asp run against the resident fleet exited with ${code}:\n${runCommand.output().slice(-3000)}`);
      runs.push({ ms, loadAverage: currentLoad() });
    }
    const fleet = await readLiveFleet(dataDir);
    const memory: AgentMemory[] = [];
    for (const child of fleet ? await childProcessesOf(fleet.pid) : []) {
      const bundle = child.commandLine.findIndex(isAgentProgram);
      if (bundle < 0) continue;
      const reading = await readProcessMemory(child.pid);
      if (reading) memory.push({ agent: child.commandLine[bundle + 1] ?? "?", pid: child.pid, ...reading });
    }
    return { upDetachMs: upMs, runs, memory, runner: runnerOf(memory) };
  } finally {
    const down = timedCommand(process.execPath, [command, "down"], { cwd: repositoryRoot, env });
    await down.exited;
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** What an agent process of the build runs: its snapshot (the default, decision 1418) or its bundle. */
const isAgentProgram = (argument: string) => argument.endsWith("agent.blob") || argument.endsWith("agent.mjs");

/** The agents ran from the build: every measured process was found by its snapshot or bundle. */
const runnerOf = (memory: AgentMemory[]) => (memory.length > 0 ? "node --snapshot-blob out/build/<hash>/agent.blob <name> (the default)" : "none found");

export async function runStartupBenchmark(options: { repeats?: number } = {}) {
  const repeats = options.repeats ?? 3;
  const loadAverageBefore = currentLoad();

  console.log("fleet ready, cold (no build)");
  await removeBuild();
  const fleetCold = await measureFleetReady();
  console.log(`  ${fleetCold.readyMs} ms (agents ${fleetCold.agentsMs} ms, ${fleetCold.processes} processes)`);
  const fleetWarm: FleetReadyMeasurement[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    fleetWarm.push(await measureFleetReady());
    console.log(`fleet ready, warm: ${fleetWarm.at(-1)!.readyMs} ms (agents ${fleetWarm.at(-1)!.agentsMs} ms, ${fleetWarm.at(-1)!.agentsCpuMs} ms of agent CPU)`);
  }

  const npmDataDir = await freshDataDirectory();
  const npmWarm: Array<Awaited<ReturnType<typeof measureNpmStart>>> = [];
  let npmCold: Awaited<ReturnType<typeof measureNpmStart>>;
  try {
    await removeBuild();
    npmCold = await measureNpmStart(npmDataDir);
    console.log(`npm start, cold (no build, first run in a fresh data folder): ${npmCold.ms} ms`);
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      npmWarm.push(await measureNpmStart(npmDataDir));
      console.log(`npm start, warm: ${npmWarm.at(-1)!.ms} ms`);
    }
  } finally {
    await rm(npmDataDir, { recursive: true, force: true });
  }

  const resident = await measureResidentFleet(repeats);
  console.log(`asp run against the resident fleet: ${resident.runs.map((run) => run.ms).join(", ")} ms (asp up --detach took ${resident.upDetachMs} ms)`);
  const peak = Math.max(...resident.memory.map((entry) => entry.peakRssMiB));
  console.log(`peak RSS per agent process: max ${peak} MiB over ${resident.memory.length} processes`);

  return saveResult("startup", {
    scenario,
    writers,
    expectedProcesses: fleetAgents.length + writers,
    loadAverageBefore,
    fleetReady: {
      command: `asp up --writers ${writers} --scenario ${scenario}, until "fleet up"`,
      cold: fleetCold,
      warm: fleetWarm,
      warmMedianMs: median(fleetWarm.map((entry) => entry.readyMs)),
      warmAgentsMedianMs: median(fleetWarm.map((entry) => entry.agentsMs)),
      warmAgentsCpuMedianMs: median(fleetWarm.map((entry) => entry.agentsCpuMs)),
    },
    npmStart: { command: "npm start (hello-python, to the end of the run)", cold: npmCold, warm: npmWarm, warmMedianMs: median(npmWarm.map((entry) => entry.ms)) },
    residentRun: { command: `asp run --scenario ${scenario} against asp up --detach`, upDetachMs: resident.upDetachMs, runs: resident.runs, medianMs: median(resident.runs.map((run) => run.ms)) },
    memory: { runner: resident.runner, after: `${repeats} hello-python runs`, maxPeakRssMiB: peak, processes: resident.memory },
  });
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { repeats: { type: "string", default: "3" } } });
  await runStartupBenchmark({ repeats: Number(values.repeats) });
}
