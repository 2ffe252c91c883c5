import path from "node:path";
import { loadTask } from "../../../cli/load-task.ts";
import type { Task } from "../../../schemas/task.ts";
import { loadScenarioFile, type Scenario } from "../../../simulator/index.ts";
import type { TranscriptEntry } from "../../../simulator/transcript.ts";
import { examplesDirectory } from "./example-scenarios.ts";

export interface RealisticScenario {
  name: string;
  task: Task;
  /** examples/NAME/scenario.realistic.yaml with the example's scenario.yaml it extends resolved. */
  scenario: Scenario;
}

export async function loadRealisticScenario(name: string): Promise<RealisticScenario> {
  const directory = path.join(examplesDirectory, name);
  return { name, task: await loadTask(path.join(directory, "task.yaml")), scenario: await loadScenarioFile(path.join(directory, "scenario.realistic.yaml")) };
}

/** The outcomes of one conditional reply in one run, in request order: whether each request carried what it needed. */
export function conditionOutcomes(transcript: TranscriptEntry[], runId: string, label: string) {
  return transcript
    .filter((entry) => entry.runId === runId && entry.status === 200 && entry.condition?.label === label)
    .map((entry) => ({ round: entry.round, met: entry.condition!.met, missing: entry.condition!.missing }));
}
