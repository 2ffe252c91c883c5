import { expect } from "vitest";
import type { FleetProcess } from "../../../cli/fleet.ts";
import { scenarioText, type ScenarioData } from "../../e2e/support/example-scenarios.ts";
import { waitForEmptyQueue, type ReliabilityHarness, type RunOutcome } from "./reliability-harness.ts";

/**
 * What "survived the crash" means: the run passed, the final file set is the manifest, byte for
 * byte the scenario's text, each file written once, no dead letter, and nothing left in the queue.
 */
export async function expectCompleteRun(
  harness: ReliabilityHarness,
  data: ScenarioData,
  outcome: RunOutcome,
  options: { afterServerCrash?: boolean } = {},
): Promise<void> {
  expect(outcome.summary.status, `run ${outcome.summary.runId}: ${outcome.summary.reason ?? ""}`).toBe("passed");
  const expectedPaths = Object.keys(data.files).sort();
  expect([...outcome.files.keys()].sort()).toEqual(expectedPaths);
  for (const filePath of expectedPaths) {
    expect(outcome.files.get(filePath)?.equals(Buffer.from(scenarioText(data, filePath), "utf8")), `${filePath} is byte-identical`).toBe(true);
  }
  const written = outcome.events.filter((event) => event.type === "file.written").map((event) => String(event.data.path));
  expect(written.sort(), "file.written once per file").toEqual(expectedPaths);
  const deadLetters = outcome.events.filter((event) => event.type === "job.dead_letter");
  expect(deadLetters, "dead letters").toEqual([]);
  const queue = await waitForEmptyQueue(harness);
  for (const [agent, count] of Object.entries(queue.outstanding)) expect(count, `outstanding jobs of ${agent}`).toBe(0);
  // After a SIGKILLed nats-server, jobs acked just before the crash can come back in the stream below
  // the consumer's ack floor; each agent's sweep (bus/acknowledged-job-sweep.ts) removes those whose
  // result is stored, a few seconds after it reconnects. So the queue ends empty in every case.
  expect(queue.jobsInStream, `jobs left in the work queue${options.afterServerCrash ? " after the crash" : ""}: ${queue.leftovers.join("; ")}`).toBe(0);
}

export function processByInstance(processes: FleetProcess[], instance: unknown): FleetProcess {
  const found = processes.find((process) => process.instance === instance);
  if (!found) throw new Error(`no process with instance ${String(instance)} among ${processes.map((process) => process.instance).join(", ")}`);
  return found;
}
