import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ChildProcessHandle extends AsyncDisposable {
  process: ChildProcess;
  pid: number;
  /** Everything written so far to stdout and stderr. */
  output(): string;
  /** Resolves with the first output line matching, rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
// A test that throws before disposing must not leave workers behind to steal the next file's jobs.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Runs a TypeScript entry point as a real child process through tsx. */
export function spawnTypeScript(entry: string, options: { env?: Record<string, string>; args?: string[] } = {}): ChildProcessHandle {
  return spawnNode(entry, { ...options, nodeArguments: ["--import", "tsx"], cwd: projectRoot });
}

/** Runs a JavaScript entry point with plain node, from any folder (a plug-in outside the repository). */
export function spawnNode(entry: string, options: { env?: Record<string, string>; args?: string[]; cwd: string; nodeArguments?: string[] }): ChildProcessHandle {
  const child = spawn(process.execPath, [...(options.nodeArguments ?? []), entry, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let output = "";
  const lineWaiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of lineWaiters) check();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      for (const check of lineWaiters) check();
      resolve({ code, signal });
    });
  });

  const handle: ChildProcessHandle = {
    process: child,
    pid: child.pid ?? -1,
    output: () => output,
    exited,
    waitForLine(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          lineWaiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} from ${entry}; output:\n${output.slice(-3000)}`));
        }, timeoutMs);
        function check() {
          const line = output.split("\n").find((candidate) => pattern.test(candidate));
          if (line !== undefined) {
            clearTimeout(timer);
            lineWaiters.delete(check);
            resolve(line);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            lineWaiters.delete(check);
            reject(new Error(`${entry} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}; output:\n${output.slice(-3000)}`));
          }
        }
        lineWaiters.add(check);
        check();
      });
    },
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const forced = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(forced);
      }
    },
  };
  return handle;
}
