import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { exitWithParentVariable, readyLinePrefix, warmedLinePrefix, warmUpLine } from "../bus/agent-process.ts";
import { agentMallocSettings } from "./agent-runtime-settings.ts";
import { ensureBuild, repositoryBuildLayout, type BuildLayout } from "./build/ensure-build.ts";
import { superviseProcess, type Supervision, type SupervisionHooks, type SupervisionPolicy } from "./supervisor.ts";

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const mainEntry = path.join(repositoryRoot, "cli", "main.ts");

/** What runs an agent process: the build (the default) or the TypeScript sources through tsx. */
export type AgentRunner = "build" | "tsx";

export function readAgentRunner(env: Record<string, string | undefined>): AgentRunner {
  const runner = env.ASP_AGENT_RUNNER?.trim() || "build";
  if (runner !== "build" && runner !== "tsx") throw new Error(`ASP_AGENT_RUNNER must be "build" or "tsx", got "${runner}"`);
  return runner;
}

/**
 * Bare `node` on the build by default: no compiler thread, about 50 MB less per process (decisions
 * 0901 and 1410), started from the build's snapshot of the agent's loaded modules (decision 1418).
 * The build is checked against the sources' hash on every start (and restart) and rebuilt when
 * stale, so a stale build never runs. ASP_AGENT_RUNNER=tsx runs the sources.
 */
async function agentCommandLine(name: string, env: Record<string, string | undefined>, build: BuildLayout): Promise<string[]> {
  if (readAgentRunner(env) === "tsx") return ["--import", "tsx", mainEntry, "agent", name];
  const { agentBundle, agentSnapshot } = await ensureBuild(build);
  // V8 refuses a snapshot started under V8 flags other than its builder's, and NODE_OPTIONS may hold
  // some (--max-old-space-size, say): such an agent loads the bundle instead.
  if (env.NODE_OPTIONS?.trim()) return [agentBundle, name];
  // No V8 flags on the command line: the agent sets them itself (cli/agent-runtime-settings.ts).
  return ["--snapshot-blob", agentSnapshot, name];
}

export interface FleetProcess {
  name: string;
  child: ChildProcess;
  instance?: string;
  logFile: string;
}

export interface Fleet {
  processes: FleetProcess[];
  /** SIGTERM every process (they drain), then SIGKILL what is left after the grace period. */
  stop(graceMs?: number): Promise<void>;
}

export interface FleetOptions {
  agents: string[];
  writers: number;
  env: Record<string, string | undefined>;
  logDirectory: string;
  readyTimeoutMs?: number;
  /** Which sources to build and where; the repository's out/build unless a test brings a copy. */
  build?: BuildLayout;
  /** How many agents warm up at once once the fleet is ready; one fewer than the cores by default. */
  warmUpsAtOnce?: number;
  /** Restart processes that exit unexpectedly (cli/supervisor.ts); without it an exit is final. */
  supervise?: { hooks: SupervisionHooks; policy?: SupervisionPolicy };
}

/** Starts one agent as its own OS process and resolves when it says it is ready. */
export async function spawnAgentProcess(name: string, index: number, options: Omit<FleetOptions, "agents" | "writers">): Promise<FleetProcess> {
  mkdirSync(options.logDirectory, { recursive: true });
  const logFile = path.join(options.logDirectory, `${name}-${index}.log`);
  const commandLine = await agentCommandLine(name, options.env, options.build ?? repositoryBuildLayout);
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(process.execPath, commandLine, {
    cwd: repositoryRoot,
    env: { ...agentMallocSettings, ...options.env, [exitWithParentVariable]: "1" } as NodeJS.ProcessEnv,
    // A pipe on stdin that only this process holds: if it dies without stopping the agent, the pipe
    // closes and the agent drains and exits (exitWithParentVariable in bus/agent-process.ts).
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`agent ${name} did not become ready within ${options.readyTimeoutMs ?? 60_000} ms; see ${logFile}`));
    }, options.readyTimeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const line = buffer.split("\n").find((candidate) => candidate.startsWith(readyLinePrefix));
      if (!line) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      resolve({ name, child, logFile, instance: line.match(/instance=(\S+)/)?.[1] });
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`agent ${name} exited before it was ready (code ${code}, signal ${signal}); see ${logFile}`));
    });
  });
}

export function stopProcess(process: FleetProcess, graceMs = 10_000): Promise<void> {
  const { child } = process;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Every agent of the pipeline plus N file-writers, each a separate process. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const names = [...options.agents, ...Array.from({ length: options.writers }, () => "file-writer")];
  const settled = await Promise.allSettled(names.map((name, index) => spawnAgentProcess(name, index, options)));
  const processes = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const supervisions: Supervision[] = [];
  const stop = async (graceMs?: number) => {
    // Restarts end first: a process that exits because the fleet stops it is not news.
    for (const supervision of supervisions) supervision.stop();
    await Promise.all(processes.map((process) => stopProcess(process, graceMs)));
  };
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) {
    await stop(2000);
    throw failed.reason;
  }
  if (options.supervise) {
    const { hooks, policy } = options.supervise;
    processes.forEach((process, slot) => {
      supervisions.push(
        superviseProcess({
          current: () => processes[slot]!,
          replace: (fresh) => {
            processes[slot] = fresh;
          },
          // A restarted process is warmed at once: the rest of the fleet is already up.
          respawn: () =>
            spawnAgentProcess(process.name, slot, options).then((fresh) => {
              void warmUp(fresh);
              return fresh;
            }),
          hooks,
          ...(policy ? { policy } : {}),
        }),
      );
    });
  }
  // Only now that every process is ready, and in turn, in the pipeline's order: warming one while
  // others start would slow theirs, and warming them all at once would take the CPU that a run's
  // first stage needs (38 at once added 0.9 s to the planning stage of service-js).
  void warmUpInTurn([...processes], options.warmUpsAtOnce ?? Math.max(1, availableParallelism() - 1));
  return { processes, stop };
}

/** Longest an agent's warm-up is waited for before the next one is asked. */
const warmUpTimeoutMs = 10_000;

async function warmUpInTurn(processes: FleetProcess[], atOnce: number): Promise<void> {
  const next = async (): Promise<void> => {
    for (let process = processes.shift(); process; process = processes.shift()) await warmUp(process);
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, processes.length) }, next));
}

/**
 * Tells an agent it may do ahead what its first job would pay for (decision 1419), and resolves when
 * it says it is done (an agent with nothing to warm says so at once), exits, or takes too long.
 */
function warmUp(process: FleetProcess): Promise<void> {
  const { child } = process;
  const { stdin, stdout } = child;
  if (!stdin || stdin.destroyed || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = "";
    const done = () => {
      clearTimeout(timer);
      stdout?.off("data", onData);
      child.off("exit", done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      if (seen.includes(warmedLinePrefix)) done();
      // Only a line split across two chunks needs what came before.
      else seen = seen.slice(-warmedLinePrefix.length);
    };
    const timer = setTimeout(done, warmUpTimeoutMs);
    timer.unref();
    stdout?.on("data", onData);
    child.once("exit", done);
    stdin.on("error", () => undefined);
    stdin.write(`${warmUpLine}\n`);
  });
}
