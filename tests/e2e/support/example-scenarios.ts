import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { loadTask } from "../../../cli/load-task.ts";
import type { Task } from "../../../schemas/task.ts";

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const examplesDirectory = path.join(repositoryRoot, "examples");

/** A scenario as plain data, so a test can derive a variant from it without touching the file. */
export type ScenarioData = {
  name: string;
  agents: Record<string, unknown>;
  files: Record<string, string | string[]>;
  [key: string]: unknown;
};

export interface ExampleScenario {
  name: string;
  scenarioPath: string;
  task: Task;
  /** A fresh deep copy on every call: variants never leak into each other. */
  data(): ScenarioData;
}

const scenarioFiles: Record<string, string> = {
  "hello-python": "scenario.yaml",
  "hello-http-js": "scenario.yaml",
  "service-js": "scenario.yaml",
  "hostile-python": "scenario.json",
  "fastapi-hello": "scenario.yaml",
  "ts-service": "scenario.yaml",
  "go-roman": "scenario.yaml",
  "change-python": "scenario.yaml",
};

export async function loadExampleScenario(name: string): Promise<ExampleScenario> {
  const file = scenarioFiles[name];
  if (!file) throw new Error(`no example named ${name}`);
  const scenarioPath = path.join(examplesDirectory, name, file);
  const text = await readFile(scenarioPath, "utf8");
  const parsed = (file.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as ScenarioData;
  const task = await loadTask(path.join(examplesDirectory, name, "task.yaml"));
  return { name, scenarioPath, task, data: () => structuredClone(parsed) };
}

/** The text the scenario gives a file in a round (1-based); a list's last entry repeats. */
export function scenarioText(data: ScenarioData, filePath: string, round = 1): string {
  const entry = data.files[filePath];
  if (entry === undefined) throw new Error(`the scenario has no file ${filePath}`);
  if (typeof entry === "string") return entry;
  return entry[Math.min(round, entry.length) - 1]!;
}

/** A blocking finding as a reviewer model would report it. */
export function highFinding(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    severity: "high",
    category: "injected defect",
    description: "An injected high-severity defect the next round must remove.",
    recommendation: "Fix it.",
    defectType: "function",
    target: "design",
    // The gate counts a high finding without evidence as medium (decision 1121).
    evidence: "a concrete failure: the injected defect breaks the task's first requirement",
    ...overrides,
  };
}
