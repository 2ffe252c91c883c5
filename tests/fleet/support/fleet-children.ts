import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * The pids of the agent processes `asp up` started, whichever way they run (the build's snapshot
 * agent.blob or its bundle agent.mjs, or `main.ts agent` from source); with a name, only that agent's.
 */
export async function agentPidsOf(upPid: number, name?: string): Promise<number[]> {
  const pattern = name ? `(main\\.ts agent|agent\\.mjs|agent\\.blob) ${name}$` : "(main\\.ts agent|agent\\.mjs|agent\\.blob) ";
  const { stdout } = await run("pgrep", ["-P", String(upPid), "-f", pattern]).catch(() => ({ stdout: "" }));
  return stdout.trim().split("\n").filter(Boolean).map(Number);
}
