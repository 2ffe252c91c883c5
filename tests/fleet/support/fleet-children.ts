import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * The pids of the agent processes `asp up` started, whichever runner they use (the build's agent.mjs
 * or `main.ts agent` from source); with a name, only that agent's.
 */
export async function agentPidsOf(upPid: number, name?: string): Promise<number[]> {
  const pattern = name ? `(main\\.ts agent|agent\\.mjs) ${name}$` : "(main\\.ts agent|agent\\.mjs) ";
  const { stdout } = await run("pgrep", ["-P", String(upPid), "-f", pattern]).catch(() => ({ stdout: "" }));
  return stdout.trim().split("\n").filter(Boolean).map(Number);
}
