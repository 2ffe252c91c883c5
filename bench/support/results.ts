import { mkdir, readFile, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeMachine, type MachineDescription } from "../machine.ts";

export const resultsDirectory = new URL("../results/", import.meta.url);

export interface SaveOptions {
  /** Where the result goes instead of bench/results/: a test runs a benchmark without touching the recorded figures. */
  directory?: string;
}

export interface RecordedResult {
  benchmark: string;
  date: string;
  machine: MachineDescription;
  /** 1, 5 and 15 minute load averages when the benchmark ended: a busy machine explains odd numbers. */
  loadAverage: number[];
  [key: string]: unknown;
}

/** Writes bench/results/<name>.json (or <directory>/<name>.json) with the machine and the load it ran under. */
export async function saveResult(name: string, body: Record<string, unknown>, options: SaveOptions = {}): Promise<RecordedResult> {
  const result: RecordedResult = {
    benchmark: name,
    date: new Date().toISOString(),
    ...body,
    machine: await describeMachine(),
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
  };
  const directory = options.directory ?? fileURLToPath(resultsDirectory);
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

export async function loadResult(name: string): Promise<RecordedResult | undefined> {
  const text = await readFile(new URL(`${name}.json`, resultsDirectory), "utf8").catch(() => undefined);
  return text ? (JSON.parse(text) as RecordedResult) : undefined;
}
