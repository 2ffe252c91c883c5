import { readFile } from "node:fs/promises";
import type { FleetProcess } from "../../../cli/fleet.ts";

/** One of pino's JSON lines in an agent's log; the fleet's own lines (ready, warmed) are not JSON. */
export interface AgentLogLine {
  msg: string;
  time: number;
  level: number;
  [field: string]: unknown;
}

/** The JSON lines an agent process has written to its log so far. */
export async function agentLogLines(process: FleetProcess): Promise<AgentLogLine[]> {
  return (await readFile(process.logFile, "utf8"))
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as AgentLogLine);
}
