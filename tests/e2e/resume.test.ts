import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStoredEvents } from "../../bus/events.ts";
import type { AspEvent } from "../../schemas/event.ts";
import type { TranscriptEntry } from "../../simulator/index.ts";
import { loadExampleScenario, scenarioText, type ExampleScenario } from "./support/example-scenarios.ts";
import { eventsOfType, startPipelineHarness, type PipelineHarness } from "./support/pipeline-harness.ts";
import { runAsp } from "./support/run-cli.ts";

let harness: PipelineHarness;
let example: ExampleScenario;
const temporaryFolders: string[] = [];

async function temporaryFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), "asp-e2e-resume-"));
  temporaryFolders.push(folder);
  return folder;
}

beforeAll(async () => {
  example = await loadExampleScenario("hello-python");
  // One writer: file calls go one at a time, so the budget stops the run at the same file every time.
  harness = await startPipelineHarness({ scenario: example.data(), writers: 1 });
}, 180_000);

afterAll(async () => {
  await harness?.[Symbol.asyncDispose]();
  await Promise.all(temporaryFolders.map((folder) => rm(folder, { recursive: true, force: true })));
});

/** The real `asp` process; `env` decides whether it joins a fleet (NATS_URL) or runs locally (ASP_DATA_DIR). */

/** A request is identified by who asked and for which file; a repeated call has the same key. */
const callKey = (entry: TranscriptEntry) => `${entry.agent}|${entry.file ?? ""}`;

const asp = (args: string[], env: Record<string, string>) => runAsp(args, env, 120_000);

function callsPerAgent(events: AspEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of eventsOfType(events, "llm.call")) counts[event.agent] = (counts[event.agent] ?? 0) + 1;
  return counts;
}

describe("asp resume on a fleet", () => {
  it("a run stopped at its budget passes with a larger one, and no completed stage or file is asked of the model again", async () => {
    const runId = `resume-budget-${process.pid}`;
    // Enough for planning, design, its review, the manifest and the first file, not for all six files.
    const stopped = await harness.run(example.task, { runId, budgetUsd: 0.045 });
    expect(stopped.summary.status).toBe("failed");
    expect(stopped.summary.reason).toMatch(/stopped at its budget/);
    const writtenBefore = eventsOfType(stopped.events, "file.written").map((event) => String(event.data.path));
    expect(writtenBefore.length).toBeGreaterThan(0);
    expect(writtenBefore.length).toBeLessThan(6);
    expect(stopped.state.history.find((record) => record.stage === "code")?.status).toBe("failed");
    const everyBefore = harness.simulator.transcript().filter((entry) => entry.runId === runId);
    const before = everyBefore.filter((entry) => entry.status === 200);

    // Refusals first: each is a clear message and exit code 2, and nothing is resumed.
    const unknown = await asp(["resume", "no-such-run"], harness.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("there is no run no-such-run");
    const badStage = await asp(["resume", runId, "--from", "deploy", "--budget", "1"], harness.env);
    expect(badStage.code).toBe(2);
    expect(badStage.stderr).toMatch(/--from deploy names no stage of pipeline default: use one of planning, design/);
    const smallBudget = await asp(["resume", runId, "--budget", "0.01"], harness.env);
    expect(smallBudget.code).toBe(2);
    expect(smallBudget.stderr).toMatch(/--budget \$0\.0100 is not more than the \$0\.0\d+ run \S+ has spent already/);
    const noBudget = await asp(["resume", runId], harness.env);
    expect(noBudget.code).toBe(2);
    expect(noBudget.stderr).toContain("give a larger --budget");
    expect(harness.simulator.transcript().filter((entry) => entry.runId === runId)).toHaveLength(everyBefore.length);

    const out = path.join(await temporaryFolder(), "out");
    const resumed = await asp(["resume", runId, "--budget", "1", "--json", "--out", out], harness.env);
    expect(resumed.code, resumed.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { status: string; attempt: number; costUsd: number; costByAttempt: Array<{ attempt: number; costUsd: number; calls: number }> };
    expect(summary.status).toBe("passed");
    expect(summary.attempt).toBe(2);
    expect(summary.costByAttempt.map((attempt) => attempt.attempt)).toEqual([1, 2]);
    expect(summary.costByAttempt[0]!.calls).toBe(before.length);
    expect(summary.costByAttempt[0]!.costUsd + summary.costByAttempt[1]!.costUsd).toBeCloseTo(summary.costUsd, 10);

    const after = harness.simulator.transcript().filter((entry) => entry.runId === runId).slice(everyBefore.length);
    const repeated = after.filter((entry) => before.some((earlier) => callKey(earlier) === callKey(entry)));
    expect(repeated.map(callKey)).toEqual([]);
    // What was left is what the second attempt asked for: the files not yet written, then the code review.
    const filesAfter = after.flatMap((entry) => (entry.file ? [entry.file] : [])).sort();
    const allFiles = Object.keys(example.data().files);
    expect(filesAfter).toEqual(allFiles.filter((file) => !writtenBefore.includes(file)).sort());
    expect(after.map((entry) => entry.agent)).not.toContain("planning");
    expect(after.map((entry) => entry.agent)).not.toContain("code");

    const events = await readStoredEvents(harness.connection, harness.subjects, runId);
    const attemptStarted = eventsOfType(events, "run.attempt_started");
    expect(attemptStarted.map((event) => [event.data.attempt, event.data.from, event.data.previousStatus])).toEqual([[2, "code", "failed"]]);
    expect(eventsOfType(events, "file.reused").map((event) => String(event.data.path)).sort()).toEqual([...writtenBefore].sort());
    const report = await readFile(path.join(out, "postmortem.md"), "utf8");
    expect(report).toMatch(/\| attempt \| calls \| cost \|\n\| --- \| --- \| --- \|\n\| 1 \| \d+ \| \$[\d.]+ \|\n\| 2 \| \d+ \| \$[\d.]+ \|/);
    expect(await readFile(path.join(out, "project", "textstats", "tokenize.py"), "utf8")).toBe(scenarioText(example.data(), "textstats/tokenize.py"));
  }, 180_000);
});

describe("asp resume --from a stage", () => {
  it("redoes a passed run from design: the attempt starts there, design is asked again and planning is not", async () => {
    const runId = `resume-from-design-${process.pid}`;
    const passed = await harness.run(example.task, { runId });
    expect(passed.summary.status).toBe("passed");
    const asked = () => harness.simulator.transcript().filter((entry) => entry.runId === runId && entry.status === 200);
    const before = asked();
    expect(before.filter((entry) => entry.agent === "planning")).toHaveLength(1);
    expect(before.filter((entry) => entry.agent === "design")).toHaveLength(1);

    const resumed = await asp(["resume", runId, "--from", "design", "--json"], harness.env);
    expect(resumed.code, resumed.stderr.slice(-3000)).toBe(0);
    expect(resumed.stderr).toContain(`resuming run ${runId} as attempt 2, from stage design`);
    const summary = JSON.parse(resumed.stdout) as { status: string; attempt: number };
    expect(summary).toMatchObject({ status: "passed", attempt: 2 });

    const events = await readStoredEvents(harness.connection, harness.subjects, runId);
    expect(eventsOfType(events, "run.attempt_started").map((event) => [event.data.attempt, event.data.from, event.data.previousStatus])).toEqual([[2, "design", "passed"]]);
    const after = asked().slice(before.length);
    expect(after.filter((entry) => entry.agent === "design")).toHaveLength(1);
    expect(after.map((entry) => entry.agent)).not.toContain("planning");
    // What follows design is redone too: its review, the manifest and every file.
    expect(after.map((entry) => entry.agent)).toContain("code");
    expect(after.flatMap((entry) => (entry.file ? [entry.file] : [])).sort()).toEqual(Object.keys(example.data().files).sort());
  }, 180_000);
});

describe("asp resume of a local run", () => {
  it("a run whose test gate ran out of rounds passes in the rounds --rounds 2 gives it, without asking again for what completed", async () => {
    const data = example.data();
    const good = scenarioText(data, "tests/test_summary.py");
    const broken = `${good}\n\nclass StillWrong(unittest.TestCase):\n    def test_is_fixed_in_round_four(self):\n        self.assertEqual("broken", "fixed")\n`;
    // The test file is wrong in its first three rounds, the test gate's three, and right from the fourth on.
    data.files["tests/test_summary.py"] = [broken, broken, broken, good];
    const folder = await temporaryFolder();
    const scenarioPath = path.join(folder, "tests-fail-three-rounds.json");
    await writeFile(scenarioPath, JSON.stringify(data));
    // No NATS_URL: `asp run` starts its own nats-server with its store under ASP_DATA_DIR, which outlives it.
    const local = { ASP_DATA_DIR: path.join(folder, "data") };
    const first = await asp(["run", "examples/hello-python/task.yaml", "--scenario", scenarioPath, "--json", "--out", path.join(folder, "first")], local);
    expect(first.code, first.stderr.slice(-3000)).toBe(1);
    const failed = JSON.parse(first.stdout) as { runId: string; reason: string };
    expect(failed.reason).toMatch(/the test gate failed with FAIL after 3 round\(s\)/);

    const second = await asp(["resume", failed.runId, "--rounds", "2", "--scenario", scenarioPath, "--json", "--out", path.join(folder, "second")], local);
    expect(second.code, second.stderr.slice(-3000)).toBe(0);
    const passed = JSON.parse(second.stdout) as { status: string; stages: Array<{ stage: string; round: number; verdict?: string; attempt?: number }> };
    expect(passed.status).toBe("passed");
    const testRounds = passed.stages.filter((record) => record.stage === "test");
    expect(testRounds.map((record) => [record.round, record.verdict, record.attempt ?? 1])).toEqual([
      [1, "FAIL", 1],
      [2, "FAIL", 1],
      [3, "FAIL", 1],
      [4, "PASS", 2],
    ]);

    const lines = (await readFile(path.join(folder, "second", "events.ndjson"), "utf8")).trim().split("\n");
    const events = lines.map((line) => JSON.parse(line) as AspEvent);
    const start = events.findIndex((event) => event.type === "run.attempt_started");
    expect(start).toBeGreaterThan(0);
    expect(events[start]!.data).toMatchObject({ attempt: 2, from: "code", rounds: 2 });
    // The second attempt asked again only for what a repair round of the test gate asks for: the files the
    // failure implicates (as round 3 did), the code review and the postmortem; no planning, design or manifest.
    const secondAttempt = events.slice(start);
    const filesOf = (from: AspEvent[]) => [...new Set(eventsOfType(from, "llm.call").flatMap((event) => (typeof event.data.file === "string" ? [event.data.file] : [])))].sort();
    const roundThree = events.slice(0, start).filter((event) => /-code-r3-/.test(event.jobId ?? ""));
    expect(filesOf(secondAttempt)).toContain("tests/test_summary.py");
    expect(filesOf(secondAttempt)).toEqual(filesOf(roundThree));
    const agentsAsked = Object.keys(callsPerAgent(secondAttempt)).sort();
    expect(agentsAsked).toEqual(["file-writer", "postmortem", "review-architecture", "review-maintainability", "review-security"]);
    expect(callsPerAgent(events.slice(0, start)).planning).toBe(1);
  }, 240_000);
});
