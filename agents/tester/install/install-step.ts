import path from "node:path";
import type { SandboxResult } from "../sandbox.ts";
import type { ProjectFile } from "../runners/types.ts";
import { cacheFolder, fingerprint, type CacheFolder, type InstallCache } from "./cache.ts";
import { failedDependency, toolMessage } from "./install-failure.ts";

export interface InstallStep {
  tool: string;
  command: string;
  ok: boolean;
  durationMs: number;
  /** The step added files to the shared download cache: it fetched something from a registry. */
  downloaded: boolean;
  message?: string;
  dependencyFile?: string;
  dependency?: string;
}

export interface InstallContext {
  files: ProjectFile[];
  /** This run's folder: the project copy is its `project/` child; a virtual environment goes beside it. */
  root: string;
  cache: InstallCache;
  /** The host's real python3 (the virtual environment is made from it). */
  python: string;
  ignoreScripts: boolean;
  /** The whole install phase's limit, for the message of a step that ran out of it. */
  limitMs: number;
  /** When the install phase must be over, on `clock`: each command gets what is left, never the whole limit again. */
  deadline: number;
  clock: { now(): number };
  /** Runs a command from the project folder, with network and the cache writable. */
  run(command: string[], timeoutMs: number): Promise<SandboxResult>;
}

/** The result of a command the deadline left no time for: reported as timed out, never started. */
const notStarted: SandboxResult = { exitCode: null, signal: null, timedOut: true, output: "", durationMs: 0, network: "host" };

/**
 * One install step: its commands in order, each stopping the rest when it fails, each bounded by what
 * is left of the install phase's time. Whether it downloaded is read from the cache folder it fills.
 */
export async function step(context: InstallContext, tool: string, command: string[] | string[][], dependencyFile: string, cache: CacheFolder): Promise<InstallStep> {
  const commands = (Array.isArray(command[0]) ? command : [command]) as string[][];
  const before = await fingerprint(cacheFolder(context.cache, cache));
  let result = notStarted;
  let durationMs = 0;
  // The report names the command that failed, or that found no time left; the last one when all ran.
  let shown = commands[0]!;
  for (const next of commands) {
    shown = next;
    const left = context.deadline - context.clock.now();
    if (left <= 0) {
      result = notStarted;
      break;
    }
    result = await context.run(next, left);
    durationMs += result.durationMs;
    if (result.exitCode !== 0 || result.timedOut) break;
  }
  const after = await fingerprint(cacheFolder(context.cache, cache));
  const ok = result.exitCode === 0 && !result.timedOut;
  const dependency = ok ? undefined : failedDependency(tool, result.output);
  const limit = `the install did not finish within ${context.limitMs} ms`;
  const message = ok ? undefined : result.timedOut ? (result !== notStarted ? `${limit} and was killed` : `${limit}: no time was left to start this command`) : toolMessage(result.output);
  return {
    tool,
    command: shown.map((part) => (part.startsWith(context.root) ? path.relative(path.join(context.root, "project"), part) : part)).join(" "),
    ok,
    durationMs,
    downloaded: after.files !== before.files || after.bytes !== before.bytes,
    dependencyFile,
    ...(message ? { message } : {}),
    ...(dependency ? { dependency } : {}),
  };
}
