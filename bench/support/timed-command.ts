import { spawn, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";

export interface TimedCommand {
  child: ChildProcess;
  /** Milliseconds from the spawn to each awaited line, by the name it was given. */
  marks: Record<string, number>;
  output(): string;
  /** Resolves with the exit code and the milliseconds from the spawn to the exit. */
  exited: Promise<{ code: number | null; ms: number }>;
}

/**
 * Spawns a command and timestamps the first line matching each pattern (stdout or stderr), so one
 * run gives both the wall time to "ready" and where in between the time went.
 */
export function timedCommand(command: string, args: string[], options: { cwd: string; env: Record<string, string | undefined>; marks?: Record<string, RegExp> }): TimedCommand {
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  const marks: Record<string, number> = {};
  let output = "";
  const onData = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const [name, pattern] of Object.entries(options.marks ?? {})) {
      if (marks[name] === undefined && pattern.test(output)) marks[name] = Math.round(performance.now() - started);
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
    child.once("exit", (code) => resolve({ code, ms: Math.round(performance.now() - started) }));
  });
  return { child, marks, output: () => output, exited };
}

/** Waits until a mark is set, the command exits or the timeout passes. */
export async function waitForMark(command: TimedCommand, name: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void command.exited.then(() => (exited = true));
  while (command.marks[name] === undefined) {
    if (exited) throw new Error(`the command exited before "${name}"; its output:\n${command.output().slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`no "${name}" within ${timeoutMs} ms; output:\n${command.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return command.marks[name]!;
}
