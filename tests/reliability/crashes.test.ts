import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FleetProcess } from "../../cli/fleet.ts";
import { loadExampleScenario, type ExampleScenario, type ScenarioData } from "../e2e/support/example-scenarios.ts";
import { startReliabilityHarness, type ReliabilityHarness } from "./support/reliability-harness.ts";
import { expectCompleteRun, processByInstance } from "./support/run-checks.ts";

let harness: ReliabilityHarness;
let example: ExampleScenario;
let data: ScenarioData;
function tailOfLogs(directory: string, lines = 20): string {
  return readdirSync(directory)
    .map((file) => `== ${file}\n${readFileSync(path.join(directory, file), "utf8").trimEnd().split("\n").slice(-lines).join("\n")}`)
    .join("\n");
}

/** The fleet's processes, including the ones a test added. */
const everyProcess = (): FleetProcess[] => harness.fleet.processes;

beforeAll(async () => {
  example = await loadExampleScenario("hello-python");
  data = example.data();
  // Every model call takes a second, so a kill lands while a worker holds a job mid-call.
  data.latency = { timeToFirstTokenMs: 1000, tokensPerSecond: 0 };
  harness = await startReliabilityHarness({ scenario: data, writers: 2, ackWaitMs: 2000 });
}, 240_000);

afterAll(async () => {
  await harness?.[Symbol.asyncDispose]();
});

describe("SIGKILL in the middle of a run", () => {
  it("a file-writer killed while it holds a file job: another writer writes the file, once", async () => {
    const runId = "crash-writer";
    const watch = harness.watch(runId);
    const outcome = harness.run(example.task, runId);
    const started = await watch.waitFor((event) => event.type === "file.started");
    const victim = processByInstance(everyProcess(), started.data.writer);
    await harness.crash(victim);
    await harness.addAgent("file-writer");

    const result = await outcome;
    watch.stop();
    await expectCompleteRun(harness, data, result);
    // The killed writer started that file; someone else finished it.
    const killedPath = String(started.data.path);
    const writtenBy = result.events.find((event) => event.type === "file.written" && event.data.path === killedPath)?.data.writer;
    expect(writtenBy).not.toBe(victim.instance);
    expect(result.events.filter((event) => event.type === "file.started" && event.data.path === killedPath).length).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it("the design agent killed mid-stage: its replica takes the redelivered job", async () => {
    await harness.addAgent("design");
    const runId = "crash-design";
    const watch = harness.watch(runId);
    const outcome = harness.run(example.task, runId);
    const started = await watch.waitFor((event) => event.type === "job.started" && event.agent === "design");
    const victim = processByInstance(everyProcess(), started.data.instance);
    await harness.crash(victim);

    const result = await outcome;
    watch.stop();
    await expectCompleteRun(harness, data, result);
    const designStarts = result.events.filter((event) => event.type === "job.started" && event.agent === "design");
    expect(designStarts.length).toBeGreaterThanOrEqual(2);
    expect(designStarts.at(-1)?.data.instance).not.toBe(victim.instance);
    expect(designStarts.at(-1)?.attempt).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it("the orchestrator killed mid-run: a replacement resumes the run from KV", async () => {
    const runId = "crash-orchestrator";
    const watch = harness.watch(runId);
    const outcome = harness.run(example.task, runId);
    await watch.waitFor((event) => event.type === "stage.started" && event.data.stage === "code");
    const victim = everyProcess().find((process) => process.name === "orchestrator" && process.child.exitCode === null && process.child.signalCode === null)!;
    await harness.crash(victim);
    await harness.addAgent("orchestrator");

    const result = await outcome;
    watch.stop();
    await expectCompleteRun(harness, data, result);
    const resumed = result.events.filter((event) => event.type === "run.resumed");
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    // Stages done before the crash were not run again: one planning job, one design job.
    expect(result.events.filter((event) => event.type === "job.completed" && event.agent === "planning")).toHaveLength(1);
    expect(result.events.filter((event) => event.type === "job.completed" && event.agent === "design")).toHaveLength(1);
  }, 90_000);

  it("nats-server itself killed and restarted on the same port and store: agents and caller reconnect", async () => {
    const runId = "crash-nats";
    const watch = harness.watch(runId);
    const outcome = harness.run(example.task, runId);
    await watch.waitFor((event) => event.type === "file.started");
    await harness.restartServer(1000);

    // A run that never ends says little by itself: print what the run did and what the agents logged.
    const result = await outcome.catch(async (error: unknown) => {
      const events = (await harness.readEvents(runId)).map((event) => `${event.type} ${event.agent} ${event.jobId ?? ""}`);
      console.error(`events of ${runId}:\n${events.join("\n")}\nagent logs:\n${tailOfLogs(harness.logDirectory)}`);
      throw error;
    });
    watch.stop();
    await expectCompleteRun(harness, data, result, { afterServerCrash: true });
    // Every agent process survived the outage: none exited.
    const exited = everyProcess().filter((process) => process.child.exitCode !== null && !process.child.killed);
    expect(exited.map((process) => process.name)).toEqual([]);
  }, 240_000);
});
