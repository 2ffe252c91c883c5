import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TestReport } from "../../schemas/test-report.ts";
import { promptsWithout } from "../agents/support/handler-harness.ts";
import { eventsOfType, startPipelineHarness, type PipelineHarness, type RunOutcome } from "./support/pipeline-harness.ts";
import { conditionOutcomes, loadRealisticScenario } from "./support/realistic-scenarios.ts";

// Runs take a repair round each, and every negative control starts a fleet of its own, on a shared machine.
vi.setConfig({ testTimeout: 300_000 });

/**
 * Planning and code run on a model that thinks by default and takes forced tool use, so their re-asks are
 * tool_result turns the API refuses without the thinking block (docs/decisions/1041). The default model takes
 * no forced tool use, and its JSON re-ask carries no tool call that check would apply to.
 */
const thinkingModel = "claude-sonnet-5";
const environment = { ASP_MODEL_PLANNING: thinkingModel, ASP_MODEL_CODE: thinkingModel };

/** A test first written blind to its source, fixed only when its writer sees the failure and the source. */
interface RepairedTest {
  file: string;
  label: string;
  failure: string;
  sourceLine: string;
  fixedLine: string;
}

const repairedTests: Record<string, RepairedTest> = {
  "hello-python": {
    file: "tests/test_tokenize.py",
    label: "test writer sees the AttributeError and the source's words()",
    failure: "has no attribute 'split_words'",
    sourceLine: "def words(text",
    fixedLine: "from textstats.tokenize import sentences, words",
  },
  "service-js": {
    file: "test/logger.test.js",
    label: "test writer sees the TypeError and the source's createLogger()",
    failure: "logging.makeLogger is not a function",
    sourceLine: "export function createLogger(",
    fixedLine: 'import { createLogger } from "../src/logger.js";',
  },
};

const manifestRepair = {
  label: "manifest re-ask names the unknown component",
  problem: '"textstats/tokenize.py" names unknown component "tokeniser"',
};

async function runRealistic(harness: PipelineHarness, name: string): Promise<RunOutcome> {
  const variant = await loadRealisticScenario(name);
  harness.setScenario(variant.scenario);
  return harness.run(variant.task);
}

const gateVerdicts = (outcome: RunOutcome, stage: string) =>
  eventsOfType(outcome.events, "gate.verdict").filter((event) => event.data.stage === stage).map((event) => event.data.verdict);
const requestsOf = (harness: PipelineHarness, outcome: RunOutcome, filter: { agent?: string; file?: string }) =>
  harness.simulator
    .transcript()
    .filter((entry) => entry.runId === outcome.summary.runId && (filter.agent === undefined || entry.agent === filter.agent) && (filter.file === undefined || entry.file === filter.file));

type Turns = { model: string; tool_choice?: { type: string }; messages: Array<{ role: string; content: Array<{ type: string }> }> };

/** The structured re-ask of one agent: its second request, whose assistant turn is the refused reply. */
function reaskOf(harness: PipelineHarness, outcome: RunOutcome, agent: string): Turns {
  const calls = requestsOf(harness, outcome, { agent });
  expect(calls.map((call) => [call.status, call.thinking])).toEqual([[200, true], [200, true]]);
  const reask = calls[1]!.request as Turns;
  expect(reask.model).toBe(thinkingModel);
  expect(reask.tool_choice?.type).toBe("tool");
  expect(reask.messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
  expect(reask.messages[1]!.content.map((block) => block.type)).toEqual(["thinking", "tool_use"]);
  return reask;
}

/** Sends the same re-ask with the thinking block taken out: what the API refuses, so the check the run passed is live. */
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
    harness = await startPipelineHarness({ scenario: (await loadRealisticScenario("hello-python")).scenario, writers: 2, env: environment });
    for (const name of ["hello-python", "service-js"]) outcomes.set(name, await runRealistic(harness, name));
  }, 600_000);
  afterAll(async () => {
    await harness?.[Symbol.asyncDispose]();
  });

  it.each([
    { name: "hello-python", tests: 14 },
    { name: "service-js", tests: 35 },
  ])("$name passes all $tests tests after one repair round", ({ name, tests }) => {
    const outcome = outcomes.get(name)!;
    expect(outcome.summary.reason).toBeUndefined();
    expect(outcome.summary.status).toBe("passed");
    expect(gateVerdicts(outcome, "test")).toEqual(["FAIL", "PASS"]);
    expect(outcome.state.outputs.testReport as TestReport).toMatchObject({ verdict: "PASS", total: tests, passed: tests, failed: 0 });
  });

  it.each(Object.entries(repairedTests))("%s repairs its misnamed test only once the writer saw the failure and the source", async (name, repair) => {
    const outcome = outcomes.get(name)!;
    const first = (await harness.stageResult(outcome.summary.runId, "test", "test", 1)) as TestReport;
    expect(first.failures.map((failure) => failure.message).join("\n")).toContain(repair.failure);
    expect(conditionOutcomes(harness.simulator.transcript(), outcome.summary.runId, repair.label)).toEqual([{ round: 2, met: true, missing: [] }]);
    expect(outcome.files.get(repair.file)!.toString("utf8")).toContain(repair.fixedLine);
  });

  it("hello-python re-asks the manifest with the validator's problem, keeping the thinking block of the refused turn", async () => {
    const outcome = outcomes.get("hello-python")!;
    expect(eventsOfType(outcome.events, "manifest.rejected").map((event) => event.data.problems)).toEqual([[manifestRepair.problem]]);
    expect(conditionOutcomes(harness.simulator.transcript(), outcome.summary.runId, manifestRepair.label)).toEqual([{ round: 2, met: true, missing: [] }]);
    const dropped = await sendWithoutThinking(harness, "code", reaskOf(harness, outcome, "code"));
    expect(dropped.status).toBe(400);
    expect(dropped.body).toContain("Expected `thinking` or `redacted_thinking`, but found `tool_use`");
  });

  it("service-js re-asks the plan with zod's problem, keeping the thinking block of the refused turn", async () => {
    const outcome = outcomes.get("service-js")!;
    expect(conditionOutcomes(harness.simulator.transcript(), outcome.summary.runId, "plan re-ask names the out-of-range novelty")).toEqual([
      { round: 2, met: true, missing: [] },
    ]);
    const dropped = await sendWithoutThinking(harness, "planning", reaskOf(harness, outcome, "planning"));
    expect(dropped.status).toBe(400);
    expect(dropped.body).toContain("Expected `thinking` or `redacted_thinking`, but found `tool_use`");
  });

  it("hello-python writes the __init__.py its writer answered with nothing as a file of 0 bytes", () => {
    const outcome = outcomes.get("hello-python")!;
    const marker = outcome.files.get("tests/__init__.py");
    expect(marker, "tests/__init__.py is in the output").toBeDefined();
    expect(marker!.length).toBe(0);
    // One writer call, answered empty and accepted: no retry, no review finding, no rewrite in the repair round.
    expect(requestsOf(harness, outcome, { file: "tests/__init__.py" }).map((write) => write.status)).toEqual([200]);
  });
});

/**
 * Negative controls: the same scenarios, with one placeholder removed from a copy of prompts/ (decision 1105),
 * fail, and the transcript shows the conditional reply unmet for lack of exactly that information.
 */
const controls = [
  {
    prompt: "file-writer/user",
    placeholder: "failingTests",
    missing: (repair: RepairedTest) => repair.failure,
  },
  {
    prompt: "file-writer/user",
    placeholder: "dependencyFiles",
    missing: (repair: RepairedTest) => repair.sourceLine,
  },
];

describe.each(controls)("negative control: $prompt without {{$placeholder}}", ({ prompt, placeholder, missing }) => {
  let harness: PipelineHarness;
  let prompts: Awaited<ReturnType<typeof promptsWithout>>;
  const outcomes = new Map<string, RunOutcome>();
  beforeAll(async () => {
    prompts = await promptsWithout(prompt, placeholder);
    harness = await startPipelineHarness({ scenario: (await loadRealisticScenario("hello-python")).scenario, writers: 2, env: { ...environment, ASP_PROMPTS_DIR: prompts.directory } });
    for (const name of Object.keys(repairedTests)) outcomes.set(name, await runRealistic(harness, name));
  }, 600_000);
  afterAll(async () => {
    await harness?.[Symbol.asyncDispose]();
    await prompts?.[Symbol.asyncDispose]();
  });

  it.each(Object.entries(repairedTests))("%s fails its test gate: the test writer never got what the fix needs", (name, repair) => {
    const outcome = outcomes.get(name)!;
    expect(outcome.summary.status).toBe("failed");
    expect(outcome.summary.reason).toMatch(/^the test gate failed with FAIL after 3 round\(s\)/);
    expect(gateVerdicts(outcome, "test")).toEqual(["FAIL", "FAIL", "FAIL"]);
    // Every repair round asked for the fix, and each request lacked exactly the removed piece.
    expect(conditionOutcomes(harness.simulator.transcript(), outcome.summary.runId, repair.label)).toEqual([
      { round: 2, met: false, missing: [missing(repair)] },
      { round: 3, met: false, missing: [missing(repair)] },
    ]);
  });
});

describe("negative control: code/manifest-rejected without {{problems}}", () => {
  let harness: PipelineHarness;
  let prompts: Awaited<ReturnType<typeof promptsWithout>>;
  let outcome: RunOutcome;
  beforeAll(async () => {
    prompts = await promptsWithout("code/manifest-rejected", "problems");
    harness = await startPipelineHarness({ scenario: (await loadRealisticScenario("hello-python")).scenario, writers: 1, env: { ...environment, ASP_PROMPTS_DIR: prompts.directory } });
    outcome = await runRealistic(harness, "hello-python");
  }, 600_000);
  afterAll(async () => {
    await harness?.[Symbol.asyncDispose]();
    await prompts?.[Symbol.asyncDispose]();
  });

  it("hello-python fails at the manifest: the re-asks never said which rule it broke", () => {
    expect(outcome.summary.status).toBe("error");
    expect(outcome.summary.reason).toContain(`the code manifest is invalid after every re-ask: ${manifestRepair.problem}`);
    expect(eventsOfType(outcome.events, "file.written")).toEqual([]);
    expect(conditionOutcomes(harness.simulator.transcript(), outcome.summary.runId, manifestRepair.label)).toEqual([
      { round: 2, met: false, missing: [manifestRepair.problem] },
      { round: 3, met: false, missing: [manifestRepair.problem] },
    ]);
  });
});
