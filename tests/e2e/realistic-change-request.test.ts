import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { AspEvent } from "../../schemas/event.ts";
import { promptsWithout } from "../agents/support/handler-harness.ts";
import { examplesDirectory } from "./support/example-scenarios.ts";
import { exampleRepository, git, readRunEvents, readTranscript } from "./support/example-repository.ts";
import { conditionOutcomes } from "./support/realistic-scenarios.ts";
import { runAsp } from "./support/run-cli.ts";

// change-python's realistic variant through `asp run --repo --scenario`, as a user runs it: its own nats-server, the
// local model server (recording its transcript, ASP_SIMULATOR_TRANSCRIPT) and the fleet. Each run is one process.
vi.setConfig({ testTimeout: 300_000 });

const example = path.join(examplesDirectory, "change-python");
const task = path.join(example, "task.yaml");
const scenario = path.join(example, "scenario.realistic.yaml");
const label = "test writer sees the AttributeError and the modified package root's exports";
const error = "has no attribute 'top_words'";
/** Only in the package root as this run modified it: the repository's own version exports two functions. */
const modifiedExports = "from wordcount.counter import count_lines, count_words, most_common, words";

const temporaryFolders: string[] = [];
afterAll(async () => {
  await Promise.all(temporaryFolders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function runChangeRequest(env: Record<string, string> = {}) {
  const folder = await mkdtemp(path.join(tmpdir(), "asp-e2e-change-python-"));
  temporaryFolders.push(folder);
  const prepared = { folder, ...(await exampleRepository(folder)) };
  const out = path.join(prepared.folder, "out");
  const transcript = path.join(prepared.folder, "transcript.jsonl");
  const result = await runAsp(["run", task, "--repo", prepared.repository, "--scenario", scenario, "--out", out], { ASP_DATA_DIR: path.join(prepared.folder, "data"), ASP_SIMULATOR_TRANSCRIPT: transcript, ...env }, 280_000);
  const runId = result.stdout.match(/run (\S+) (?:passed|failed)/)?.[1];
  if (!runId) throw new Error(`asp run exited ${result.code} without a run result:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-3000)}`);
  const events = await readRunEvents(out);
  return { ...prepared, result, runId, out, events, conditions: conditionOutcomes(await readTranscript(transcript), runId, label) };
}

const testVerdicts = (events: AspEvent[]) => events.filter((event) => event.type === "gate.verdict" && event.data.stage === "test");

describe("asp run --repo with change-python's realistic scenario", () => {
  it("repairs the new test's guessed name in one round, once its writer saw the AttributeError and the modified package root", async () => {
    const { result, runId, repository, head, out, events, conditions } = await runChangeRequest();
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const verdicts = testVerdicts(events);
    expect(verdicts.map((event) => event.data.verdict)).toEqual(["FAIL", "PASS"]);
    // Round 1 failed on the guessed name; round 2's test writer was asked with the error and the new exports.
    expect(JSON.stringify(verdicts[0]!.data.findings)).toContain(error);
    expect(conditions).toEqual([{ round: 2, met: true, missing: [] }]);

    // One commit on asp/<run id> with the change's three files, the fixed test among them.
    const branch = `asp/${runId}`;
    expect((await git(repository, "rev-parse", `${branch}^`)).trim()).toBe(head);
    expect((await git(repository, "diff", "--name-status", head, branch)).trim().split("\n").sort()).toEqual(["A\ttests/test_frequency.py", "M\twordcount/__init__.py", "M\twordcount/counter.py"]);
    const committedTest = await git(repository, "show", `${branch}:tests/test_frequency.py`);
    expect(committedTest).toContain("from wordcount import count_words, most_common, words");
    expect(committedTest).not.toContain("top_words");
    expect(await git(repository, "show", `${branch}:wordcount/__init__.py`)).toContain(modifiedExports);

    // The repository's five tests and the six new ones, all passing in the sandbox.
    const report = JSON.parse(await readFile(path.join(out, "test-report.json"), "utf8"));
    expect(report).toMatchObject({ verdict: "PASS", runner: "python-unittest", total: 11, passed: 11, failed: 0 });
  });
});

/**
 * Negative controls (decision 1105): the same run with one placeholder removed from a copy of file-writer/user. The
 * test writer never gets what the fix needs, the broken test comes back every round, and nothing is committed.
 */
const controls = [
  { placeholder: "failingTests", missing: error },
  { placeholder: "dependencyFiles", missing: modifiedExports },
];

describe.each(controls)("negative control: file-writer/user without {{$placeholder}}", ({ placeholder, missing }) => {
  it("fails its test gate after three rounds, each repair lacking exactly that text, and commits nothing", async () => {
    await using prompts = await promptsWithout("file-writer/user", placeholder);
    const { result, repository, events, conditions } = await runChangeRequest({ ASP_PROMPTS_DIR: prompts.directory });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/failed: the test gate failed with FAIL after 3 round\(s\)/);
    expect(testVerdicts(events).map((event) => event.data.verdict)).toEqual(["FAIL", "FAIL", "FAIL"]);
    expect(conditions).toEqual([
      { round: 2, met: false, missing: [missing] },
      { round: 3, met: false, missing: [missing] },
    ]);
    expect(await git(repository, "branch", "--list", "asp/*")).toBe("");
  });
});
