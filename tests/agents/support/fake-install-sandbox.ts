import path from "node:path";
import type { InstallContext } from "../../../agents/tester/install/install-step.ts";
import type { ProjectFile } from "../../../agents/tester/runners/types.ts";
import type { SandboxResult } from "../../../agents/tester/sandbox.ts";

/**
 * A fake sandbox on a fake clock for calling an installer directly: every command needs `commandMs`
 * and is killed at the timeout it is given, as the real sandbox kills at its time limit. It records
 * what ran and with which timeout, and runs nothing.
 */
export function fakeInstallSandbox(commandMs = 0) {
  let now = 0;
  const ran: Array<{ command: string[]; timeoutMs: number }> = [];
  const clock = { now: () => now };
  const run = async (command: string[], timeoutMs: number): Promise<SandboxResult> => {
    ran.push({ command, timeoutMs });
    const spent = Math.min(commandMs, timeoutMs);
    now += spent;
    const timedOut = timeoutMs < commandMs;
    return { exitCode: timedOut ? null : 0, signal: timedOut ? "SIGKILL" : null, timedOut, output: "", durationMs: spent, network: "host" };
  };
  /** An install context for `files` in the folder `root`, with `limitMs` for the whole install. */
  const context = (files: ProjectFile[], root: string, limitMs: number): InstallContext => ({
    files,
    root,
    cache: { directory: path.join(root, "cache"), maxBytes: 1024 ** 3 },
    python: "python3",
    ignoreScripts: true,
    limitMs,
    deadline: now + limitMs,
    clock,
    run,
  });
  return { clock, run, ran, context };
}
