import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AspEvent } from "../../schemas/event.ts";
import { promptsWithout } from "../agents/support/handler-harness.ts";
import { highFinding, loadExampleScenario, type ExampleScenario, type ScenarioData } from "./support/example-scenarios.ts";
import { eventsOfType, startPipelineHarness, type PipelineHarness, type RunOutcome } from "./support/pipeline-harness.ts";

// Realistic variants of hello-python for the review gates (issue 10, cases 2 and 5): the design review's
// replies depend on what the design agent and the reviewers are told, and a reviewer fails for a while.
vi.setConfig({ testTimeout: 240_000 });

let example: ExampleScenario;
const requirement = "non-text input raises TypeError and out-of-range arguments raise ValueError";
const unboundedInput = "The tokenizer design never bounds the size of its input text.";
const boundMarker = "Input is bounded to 1 MB";
/** How the next round's reviewer sees its finding: id, severity and who raised it (agents/shared/render.ts). */
const previousFinding = "DR-1 [high] from review-security";

/**
 * Case 2: a security reviewer finds a high, evidenced gap. The design comes back fixed only when the design
 * agent is told the finding; the reviewer lets it pass only when it sees the requirement, its previous finding
 * by id and the fix. Anything less and the gate fails round after round.
 */
function designReviewCase(data: ScenarioData): void {
  const original = data.agents.design as Record<string, unknown>;
  const fixed = { ...original, overview: `${String(original.overview)} ${boundMarker}; a longer text raises ValueError.` };
  const finding = highFinding({
    category: "denial of service",
    description: unboundedInput,
    componentId: "tokenizer",
    evidence: `the requirement "${requirement}" names no bound, so a 2 GB string is tokenised in memory`,
  });
  const failing = { summary: "The design trusts the size of its input.", findings: [finding] };
  data.agents["review-security:design"] = [
    failing,
    {
      requires: [requirement, previousFinding, boundMarker],
      reply: { summary: "The input bound closes the earlier finding.", findings: [], resolved: ["DR-1"] },
      fallback: failing,
      label: "reviewer sees the requirement, its previous finding and the fix",
    },
  ];
  data.agents.design = [
    original,
    { requires: ["DR-1", unboundedInput], reply: fixed, fallback: original, label: "design is told the finding" },
  ];
}

/** Case 5: the security reviewer answers 429 (first at design review) for longer than its call and its job retries. */
const reviewerOutage = { agent: "review-security", kind: "rate_limited", times: 10, retryAfterSeconds: 0.01 };

const gateVerdicts = (events: AspEvent[], stage: string) => eventsOfType(events, "gate.verdict").filter((event) => event.data.stage === stage).map((event) => event.data.verdict);
const conditionsOf = (harness: PipelineHarness, runId: string, agent: string) =>
  harness.simulator.transcript().filter((entry) => entry.runId === runId && entry.agent === agent && entry.condition).map((entry) => entry.condition!);

// Two model attempts per call and a quick retry: the outage outlasts the reviewer job's deliveries in seconds, not minutes.
const env = { ASP_LLM_MAX_ATTEMPTS: "2" };

beforeAll(async () => {
  example = await loadExampleScenario("hello-python");
});

describe("realistic hello-python: review gates that converge", () => {
  let harness: PipelineHarness;
  beforeAll(async () => {
    harness = await startPipelineHarness({ scenario: example.data(), writers: 2, env });
  }, 180_000);
  afterAll(async () => {
    await harness?.[Symbol.asyncDispose]();
  });

  it("case 2: the design is fixed from the finding, and the second review passes on the requirement, the finding's id and the fix", async () => {
    const data = example.data();
    designReviewCase(data);
    harness.setScenario(data);
    const outcome = await harness.run(example.task, { runId: "realistic-design-review" });
    expect(outcome.summary.status).toBe("passed");
    expect(gateVerdicts(outcome.events, "design-review")).toEqual(["FAIL", "PASS"]);
    expect(conditionsOf(harness, "realistic-design-review", "design").map((condition) => condition.met)).toEqual([true]);
    expect(conditionsOf(harness, "realistic-design-review", "review-security:design").map((condition) => condition.met)).toEqual([true]);
    const secondReview = await harness.stageResult("realistic-design-review", "design-review", "design-review", 2);
    expect(secondReview.resolved).toEqual(["DR-1"]);
  });

  it("case 5: a reviewer that keeps answering 429 past its retries makes the stage retry; the gate is not failed", async () => {
    const data = example.data();
    data.faults = { rate: 0, script: [reviewerOutage] };
    harness.setScenario(data);
    const outcome: RunOutcome = await harness.run(example.task, { runId: "realistic-reviewer-outage" });
    expect(outcome.summary.status).toBe("passed");
    // The design review failed to review once, was retried as a stage, and then passed: one verdict, no FAIL.
    expect(eventsOfType(outcome.events, "review.reviewer_failed").map((event) => event.data.reviewers)).toEqual([["review-security"]]);
    expect(gateVerdicts(outcome.events, "design-review")).toEqual(["PASS"]);
    const retried = eventsOfType(outcome.events, "job.failed").filter((event) => event.agent === "design-review");
    expect(retried.map((event) => event.data.final)).toEqual([false]);
    const outage = harness.simulator.transcript().filter((entry) => entry.runId === "realistic-reviewer-outage" && entry.fault === "rate_limited");
    expect(outage).toHaveLength(reviewerOutage.times);
  });
});

/** Runs case 2 on a fleet whose prompts lack one placeholder; returns the outcome and each agent's condition results. */
async function runCaseTwoWithout(prompt: string, placeholder: string, runId: string) {
  await using prompts = await promptsWithout(prompt, placeholder);
  await using harness = await startPipelineHarness({ scenario: example.data(), writers: 1, env: { ...env, ASP_PROMPTS_DIR: prompts.directory } });
  const data = example.data();
  designReviewCase(data);
  harness.setScenario(data);
  const outcome = await harness.run(example.task, { runId });
  return { outcome, design: conditionsOf(harness, runId, "design"), review: conditionsOf(harness, runId, "review-security:design") };
}

describe("negative controls: the same case 2 with one piece of information taken out of the prompts", () => {
  it("fails when the design agent is not told the review's findings", async () => {
    const { outcome, design } = await runCaseTwoWithout("design/user", "feedback", "control-design-feedback");
    expect(outcome.summary.status).toBe("failed");
    expect(outcome.summary.reason).toMatch(/^the design-review gate failed with FAIL after 3 round\(s\)/);
    expect(design.length).toBeGreaterThan(0);
    expect(design.every((condition) => !condition.met && condition.missing.includes(unboundedInput))).toBe(true);
  });

  it("fails when the reviewer is not shown its previous findings", async () => {
    const { outcome, design, review } = await runCaseTwoWithout("reviewer/user", "previousFindings", "control-previous-findings");
    expect(outcome.summary.status).toBe("failed");
    expect(design.every((condition) => condition.met)).toBe(true);
    expect(review.length).toBeGreaterThan(0);
    expect(review.every((condition) => !condition.met && condition.missing.length === 1 && condition.missing[0] === previousFinding)).toBe(true);
  });
});
