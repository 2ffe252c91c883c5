import { readdir, readFile } from "node:fs/promises";

export interface ChildProcessInfo {
  pid: number;
  commandLine: string[];
  /** CPU time used so far, user + system, in milliseconds: what the start cost whatever the machine's load. */
  cpuMs: number;
}

/** Linux reports utime and stime in clock ticks, 100 per second on every common kernel configuration. */
const millisecondsPerClockTick = 10;

/** user + system CPU of a process from its /proc stat line (fields 14 and 15). */
export function cpuMillisecondsOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * millisecondsPerClockTick;
}

/** The direct children of a process, from /proc (Linux): how the benchmark finds a detached fleet's agents. */
export async function childProcessesOf(parentPid: number): Promise<ChildProcessInfo[]> {
  const children: ChildProcessInfo[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // The command name (field 2) may hold spaces and parentheses: the parent pid follows its last ")".
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (parent !== parentPid) continue;
    const commandLine = (await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")).split("\0").filter(Boolean);
    children.push({ pid: Number(entry), commandLine, cpuMs: cpuMillisecondsOf(stat) });
  }
  return children;
}
