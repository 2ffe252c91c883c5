import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TestReport } from "../../schemas/test-report.ts";
import { promptsWithout } from "../agents/support/handler-harness.ts";
import { eventsOfType, startPipelineHarness, type PipelineHarness, type RunOutcome } from "./support/pipeline-harness.ts";
import { conditionOutcomes, loadRealisticScenario } from "./support/realistic-scenarios.ts";

// Runs take a repair round each (some install packages), and every negative control starts a fleet of its own.
vi.setConfig({ testTimeout: 300_000 });

/**
 * Planning and code run on a model that thinks by default and takes forced tool use, so their re-asks are
 * tool_result turns the API refuses without the thinking block (docs/decisions/1041). The default model takes
 * no forced tool use, and its JSON re-ask carries no tool call that check would apply to.
 */
const thinkingModel = "claude-sonnet-5";
const environment = { ASP_MODEL_PLANNING: thinkingModel, ASP_MODEL_CODE: thinkingModel };

/** Every realistic variant, with the number of tests its project passes once repaired. */
const variants = [
  { name: "hello-python", tests: 14, repairRounds: 1 },
  { name: "service-js", tests: 35, repairRounds: 1 },
  { name: "hello-http-js", tests: 9, repairRounds: 0 },
  { name: "fastapi-hello", tests: 12, repairRounds: 1 },
  { name: "ts-service", tests: 12, repairRounds: 1 },
  { name: "go-roman", tests: 9, repairRounds: 1 },
  { name: "hostile-python", tests: 29, repairRounds: 1 },
];

/**
 * A test first written blind to its source, fixed only when its writer sees the error and the source. A
 * failing test's message reaches the writer in {{failingTests}}; a compile error (tsc, go vet) in {{feedback}}.
 */
interface RepairedTest {
  name: string;
  file: string;
  label: string;
  error: string;
  carriedBy: "failingTests" | "feedback";
  sourceLine: string;
  fixedLine: string;
}

const repairedTests: RepairedTest[] = [
  {
    name: "hello-python",
    file: "tests/test_tokenize.py",
    label: "test writer sees the AttributeError and the source's words()",
    error: "has no attribute 'split_words'",
    carriedBy: "failingTests",
    sourceLine: "def words(text",
    fixedLine: "from textstats.tokenize import sentences, words",
  },
  {
    name: "service-js",
    file: "test/logger.test.js",
    label: "test writer sees the TypeError and the source's createLogger()",
    error: "logging.makeLogger is not a function",
    carriedBy: "failingTests",
    sourceLine: "export function createLogger(",
    fixedLine: 'import { createLogger } from "../src/logger.js";',
  },
  {
    name: "fastapi-hello",
    file: "tests/test_main.py",
    label: "test writer sees the AttributeError and the source's utc_timestamp()",
    error: "has no attribute 'utc_now_iso'",
    carriedBy: "failingTests",
    sourceLine: "def utc_timestamp() -> str:",
    fixedLine: "from app.main import utc_timestamp",
  },
  {
    name: "ts-service",
    file: "test/notes.test.ts",
    label: "test writer sees the missing export and the source's maxNoteLength",
    error: "has no exported member named 'MAX_NOTE_LENGTH'",
    carriedBy: "feedback",
    sourceLine: "export const maxNoteLength",
    fixedLine: 'import { maxNoteLength, NoteStore, ValidationError } from "../src/notes.ts";',
  },
  {
    name: "go-roman",
    file: "cmd/roman/main_test.go",
    label: "test writer sees the undefined name and the source's convert()",
    error: "undefined: convertArgument",
    carriedBy: "feedback",
    sourceLine: "func convert(argument string)",
    fixedLine: 'if got, err := convert("42")',
  },
  {
    name: "hostile-python",
    file: "tests/test_formatting.py",
    label: "test writer sees the AttributeError and the source's format_call()",
    error: "has no attribute 'format_arguments'",
    carriedBy: "failingTests",
    sourceLine: "def format_call(name: str, args: dict) -> str:",
    fixedLine: "from hostile.formatting import describe, format_call, format_table",
  },
];

/** A manifest that breaks a rule once, fixed only when the re-ask carries the validator's problem. */
const manifestRepairs = [
  { name: "hello-python", label: "manifest re-ask names the unknown component", problem: '"textstats/tokenize.py" names unknown component "tokeniser"' },
  { name: "hello-http-js", label: "manifest re-ask names the unlisted dependency", problem: '"test/app.test.js" depends on "src/index.js", which is not in the manifest' },
];

/** A structured re-ask on the thinking model: the agent whose first reply was refused. */
const thinkingReasks = [
  { name: "hello-python", agent: "code" },
  { name: "hello-http-js", agent: "code" },
  { name: "service-js", agent: "planning", label: "plan re-ask names the out-of-range novelty" },
];

/** Empty marker files: answered empty by their writer (one call), or declared empty with estimatedLines 0 (no call). */
const emptyFiles = [
  { name: "hello-python", file: "tests/__init__.py", writerCalls: 1 },
  { name: "fastapi-hello", file: "app/__init__.py", writerCalls: 0 },
  { name: "fastapi-hello", file: "tests/__init__.py", writerCalls: 0 },
];

async function runRealistic(harness: PipelineHarness, name: string): Promise<RunOutcome> {
  const variant = await loadRealisticScenario(name);
  harness.setScenario(variant.scenario);
  return harness.run(variant.task, { timeoutMs: 280_000 });
}

async function startHarness(extraEnvironment: Record<string, string> = {}, writers = 2): Promise<PipelineHarness> {
  return startPipelineHarness({ scenario: (await loadRealisticScenario("hello-python")).scenario, writers, env: { ...environment, ...extraEnvironment } });
}

const gateVerdicts = (outcome: RunOutcome, stage: string) =>
  eventsOfType(outcome.events, "gate.verdict").filter((event) => event.data.stage === stage).map((event) => event.data.verdict);
const requestsOf = (harness: PipelineHarness, outcome: RunOutcome, filter: { agent?: string; file?: string }) =>
  harness.simulator
    .transcript()
    .filter((entry) => entry.runId === outcome.summary.runId && (filter.agent === undefined || entry.agent === filter.agent) && (filter.file === undefined || entry.file === filter.file));

type Turns = { model: string; tool_choice?: { type: string }; messages: Array<{ role: string; content: Array<{ type: string }> }> };

/** Sends a re-ask again with the thinking block taken out of its assistant turn, straight to the simulator. */
async function sendWithoutThinking(harness: PipelineHarness, agent: string, reask: Turns): Promise<{ status: number; body: string }> {
  const messages = reask.messages.map((message, index) => (index === 1 ? { ...message, content: message.content.filter((block) => block.type !== "thinking") } : message));
  const response = await fetch(`${harness.simulator.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "test", "anthropic-version": "2023-06-01", "x-asp-agent": agent, "x-asp-run": "thinking-dropped" },
    body: JSON.stringify({ ...reask, messages }),
  });
  return { status: response.status, body: await response.text() };
}

describe("realistic variants pass end to end", () => {
  let harness: PipelineHarness;
  const outcomes = new Map<string, RunOutcome>();
  beforeAll(async () => {
    harness = await startHarness();
    for (const { name } of variants) outcomes.set(name, await runRealistic(harness, name));
  }, 900_000);
  afterAll(async () => {
    await harness?.[Symbol.asyncDispose]();
  });

  it.each(variants)("$name passes all $tests tests after $repairRounds repair round(s)", ({ name, tests, repairRounds }) => {
    const outcome = outcomes.get(name)!;
    expect(outcome.summary.reason).toBeUndefined();
    expect(outcome.summary.status).toBe("passed");
    expect(gateVerdicts(outcome, "test")).toEqual([...Array<string>(repairRounds).fill("FAIL"), "PASS"]);
    expect(outcome.state.outputs.testReport as TestReport).toMatchObject({ verdict: "PASS", total: tests, passed: tests, failed: 0 });
  });

  it.each(repairedTests)("$name repairs its misnamed test only once the writer saw the error and the source", async (repair) => {
    const outcome = outcomes.get(repair.name)!;
    // The first round's gate reported the error the fix needs, as a failing test or as a compile finding.
    const verdicts = eventsOfType(outcome.events, "gate.verdict").filter((event) => event.data.stage === "test");
    expect(JSON.stringify(verdicts[0]!.data.findings)).toContain(repair.error);
    expect(conditionOutcomes(harness.simulator.transcript(), outcome.summary.runId, repair.label)).toEqual([{ round: 2, met: true, missing: [] }]);
    expect(outcome.files.get(repair.file)!.toString("utf8")).toContain(repair.fixedLine);
  });

  it.each(manifestRepairs)("$name re-asks its manifest with the validator's problem", ({ name, label, problem }) => {
    const outcome = outcomes.get(name)!;
    expect(eventsOfType(outcome.events, "manifest.rejected").map((event) => event.data.problems)).toEqual([[problem]]);
    expect(conditionOutcomes(harness.simulator.transcript(), outcome.summary.runId, label)).toEqual([{ round: 2, met: true, missing: [] }]);
  });

  it.each(thinkingReasks)("$name: the $agent re-ask on a thinking model keeps the refused turn's thinking block, which the API requires", async ({ name, agent, label }) => {
    const outcome = outcomes.get(name)!;
    const calls = requestsOf(harness, outcome, { agent });
    expect(calls.map((call) => [call.status, call.thinking])).toEqual([[200, true], [200, true]]);
    const reask = calls[1]!.request as Turns;
    expect(reask.model).toBe(thinkingModel);
    expect(reask.tool_choice?.type).toBe("tool");
    expect(reask.messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
    expect(reask.messages[1]!.content.map((block) => block.type)).toEqual(["thinking", "tool_use"]);
    if (label) expect(conditionOutcomes(harness.simulator.transcript(), outcome.summary.runId, label)).toEqual([{ round: 2, met: true, missing: [] }]);
    // The same re-ask without the block is refused: the check this run passed is live, not vacuous.
    const dropped = await sendWithoutThinking(harness, agent, reask);
    expect(dropped.status).toBe(400);
    expect(dropped.body).toContain("Expected `thinking` or `redacted_thinking`, but found `tool_use`");
  });

  it.each(emptyFiles)("$name writes $file as a file of 0 bytes after $writerCalls writer call(s)", ({ name, file, writerCalls }) => {
    const outcome = outcomes.get(name)!;
    const bytes = outcome.files.get(file);
    expect(bytes, `${file} is in the output`).toBeDefined();
    expect(bytes!.length).toBe(0);
    // Accepted at once: no retry, no review finding, no rewrite in a repair round.
    expect(requestsOf(harness, outcome, { file })).toHaveLength(writerCalls);
    expect(eventsOfType(outcome.events, "file.written").filter((event) => event.data.path === file)).toHaveLength(1);
  });
});

/**
 * Negative controls: the same scenarios with one placeholder removed from a copy of prompts/ (decision 1105)
 * fail, and the transcript shows the conditional reply unmet for lack of exactly that information.
 */
const writerControls = [
  // hostile-python's control is the dependencyFiles one, fastapi-hello's the failingTests one: one control per
  // variant keeps the file's runtime down (each failing run is three rounds, and fastapi-hello installs in each).
  { placeholder: "failingTests", repairs: repairedTests.filter((repair) => repair.carriedBy === "failingTests" && repair.name !== "hostile-python"), missing: (repair: RepairedTest) => repair.error },
  { placeholder: "feedback", repairs: repairedTests.filter((repair) => repair.name === "ts-service"), missing: (repair: RepairedTest) => repair.error },
  { placeholder: "dependencyFiles", repairs: repairedTests.filter((repair) => repair.name !== "ts-service" && repair.name !== "fastapi-hello"), missing: (repair: RepairedTest) => repair.sourceLine },
];

describe.each(writerControls)("negative control: file-writer/user without {{$placeholder}}", ({ placeholder, repairs, missing }) => {
  let harness: PipelineHarness;
  let prompts: Awaited<ReturnType<typeof promptsWithout>>;
  const outcomes = new Map<string, RunOutcome>();
  beforeAll(async () => {
    prompts = await promptsWithout("file-writer/user", placeholder);
    harness = await startHarness({ ASP_PROMPTS_DIR: prompts.directory });
    for (const { name } of repairs) outcomes.set(name, await runRealistic(harness, name));
  }, 900_000);
  afterAll(async () => {
    await harness?.[Symbol.asyncDispose]();
    await prompts?.[Symbol.asyncDispose]();
  });

  it.each(repairs)("$name fails its test gate: the test writer never got what the fix needs", (repair) => {
    const outcome = outcomes.get(repair.name)!;
    expect(outcome.summary.status).toBe("failed");
    expect(outcome.summary.reason).toMatch(/^the test gate failed with FAIL after 3 round\(s\)/);
    expect(gateVerdicts(outcome, "test")).toEqual(["FAIL", "FAIL", "FAIL"]);
    // Both repair rounds asked for the fix, and each request lacked exactly the removed piece.
    expect(conditionOutcomes(harness.simulator.transcript(), outcome.summary.runId, repair.label)).toEqual([
      { round: 2, met: false, missing: [missing(repair)] },
      { round: 3, met: false, missing: [missing(repair)] },
    ]);
  });
});

describe("negative control: code/manifest-rejected without {{problems}}", () => {
  let harness: PipelineHarness;
  let prompts: Awaited<ReturnType<typeof promptsWithout>>;
  const outcomes = new Map<string, RunOutcome>();
  beforeAll(async () => {
    prompts = await promptsWithout("code/manifest-rejected", "problems");
    harness = await startHarness({ ASP_PROMPTS_DIR: prompts.directory }, 1);
    for (const { name } of manifestRepairs) outcomes.set(name, await runRealistic(harness, name));
  }, 600_000);
  afterAll(async () => {
    await harness?.[Symbol.asyncDispose]();
    await prompts?.[Symbol.asyncDispose]();
  });

  it.each(manifestRepairs)("$name fails at the manifest: the re-asks never said which rule it broke", ({ name, label, problem }) => {
    const outcome = outcomes.get(name)!;
    expect(outcome.summary.status).toBe("error");
    expect(outcome.summary.reason).toContain(`the code manifest is invalid after every re-ask: ${problem}`);
    expect(eventsOfType(outcome.events, "file.written")).toEqual([]);
    expect(conditionOutcomes(harness.simulator.transcript(), outcome.summary.runId, label)).toEqual([
      { round: 2, met: false, missing: [problem] },
      { round: 3, met: false, missing: [problem] },
    ]);
  });
});
