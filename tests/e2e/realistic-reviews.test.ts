import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AspEvent } from "../../schemas/event.ts";
import { loadScenarioFile, type Scenario } from "../../simulator/index.ts";
import { promptsWithout } from "../agents/support/handler-harness.ts";
import { examplesDirectory, loadExampleScenario, type ExampleScenario } from "./support/example-scenarios.ts";
import { eventsOfType, startPipelineHarness, type PipelineHarness, type RunOutcome } from "./support/pipeline-harness.ts";

// Realistic variants of hello-python for the review gates (issue 10, cases 2 and 5), checked in beside the example so
// `asp run --scenario` runs them too: the design review's replies depend on what the design agent and the reviewers
// are told (scenario.realistic-reviews.yaml), and a reviewer fails for a while (scenario.realistic-outage.yaml).
vi.setConfig({ testTimeout: 240_000 });

let example: ExampleScenario;
/** Case 2 as the scenario file holds it: the design and the security reviewer answer by what their prompts carry. */
let designReview: Scenario;
/** Case 5: the security reviewer answers 429 past every retry its job gets. */
let reviewerOutage: Scenario;
const requirement = "non-text input raises TypeError and out-of-range arguments raise ValueError";
const unboundedInput = "The tokenizer design never bounds the size of its input text.";
const boundMarker = "Input is bounded to 1 MB";
/** How the next round's reviewer sees its finding: id, severity and who raised it (agents/shared/render.ts). */
const previousFinding = "DR-1 [high] from review-security";

const gateVerdicts = (events: AspEvent[], stage: string) => eventsOfType(events, "gate.verdict").filter((event) => event.data.stage === stage).map((event) => event.data.verdict);
const conditionsOf = (harness: PipelineHarness, runId: string, agent: string) =>
  harness.simulator.transcript().filter((entry) => entry.runId === runId && entry.agent === agent && entry.condition).map((entry) => entry.condition!);

beforeAll(async () => {
  example = await loadExampleScenario("hello-python");
  designReview = await loadScenarioFile(path.join(examplesDirectory, "hello-python", "scenario.realistic-reviews.yaml"));
  reviewerOutage = await loadScenarioFile(path.join(examplesDirectory, "hello-python", "scenario.realistic-outage.yaml"));
});

describe("the checked-in review scenarios", () => {
  it("case 2 asks, in its conditional replies, for exactly the texts this file's assertions name", () => {
    // The assertions below look for these texts in the transcript: the scenario file and this test must agree on them.
    expect((designReview.agents.design as unknown[])[1]).toMatchObject({ requires: ["DR-1", unboundedInput] });
    const reviews = designReview.agents["review-security:design"] as unknown[];
    expect(reviews[1]).toMatchObject({ requires: [requirement, previousFinding, boundMarker], reply: { findings: [], resolved: ["DR-1"] } });
    expect(JSON.stringify(reviews[0])).toContain(unboundedInput);
  });

  it("case 5 answers the security reviewer with 429s for every attempt of its job at the default retry budget", () => {
    expect(reviewerOutage.faults).toMatchObject({ rate: 0, script: [{ agent: "review-security", kind: "rate_limited", times: 20 }] });
  });
});

describe("realistic hello-python: review gates that converge", () => {
  let harness: PipelineHarness;
  beforeAll(async () => {
    harness = await startPipelineHarness({ scenario: example.data(), writers: 2 });
  }, 180_000);
  afterAll(async () => {
    await harness?.[Symbol.asyncDispose]();
  });

  it("case 2: the design is fixed from the finding, and the second review passes on the requirement, the finding's id and the fix", async () => {
    harness.setScenario(designReview);
    const outcome = await harness.run(example.task, { runId: "realistic-design-review" });
    expect(outcome.summary.status).toBe("passed");
    expect(gateVerdicts(outcome.events, "design-review")).toEqual(["FAIL", "PASS"]);
    expect(conditionsOf(harness, "realistic-design-review", "design").map((condition) => condition.met)).toEqual([true]);
    expect(conditionsOf(harness, "realistic-design-review", "review-security:design").map((condition) => condition.met)).toEqual([true]);
    const secondReview = await harness.stageResult("realistic-design-review", "design-review", "design-review", 2);
    expect(secondReview.resolved).toEqual(["DR-1"]);
  });

  it("case 5: a reviewer that keeps answering 429 past its retries makes the stage retry; the gate is not failed", async () => {
    harness.setScenario(reviewerOutage);
    const outcome: RunOutcome = await harness.run(example.task, { runId: "realistic-reviewer-outage" });
    expect(outcome.summary.status).toBe("passed");
    // The design review failed to review once, was retried as a stage, and then passed: one verdict, no FAIL.
    expect(eventsOfType(outcome.events, "review.reviewer_failed").map((event) => event.data.reviewers)).toEqual([["review-security"]]);
    expect(gateVerdicts(outcome.events, "design-review")).toEqual(["PASS"]);
    const retried = eventsOfType(outcome.events, "job.failed").filter((event) => event.agent === "design-review");
    expect(retried.map((event) => event.data.final)).toEqual([false]);
    const outage = harness.simulator.transcript().filter((entry) => entry.runId === "realistic-reviewer-outage" && entry.fault === "rate_limited");
    expect(outage).toHaveLength(reviewerOutage.faults.script[0]!.times);
  });
});

/** Runs case 2 on a fleet whose prompts lack one placeholder; returns the outcome and each agent's condition results. */
async function runCaseTwoWithout(prompt: string, placeholder: string, runId: string) {
  await using prompts = await promptsWithout(prompt, placeholder);
  await using harness = await startPipelineHarness({ scenario: designReview, writers: 1, env: { ASP_PROMPTS_DIR: prompts.directory } });
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

  it("fails when the reviewer is not shown the task's requirements: the second review does not pass", async () => {
    const { outcome, design, review } = await runCaseTwoWithout("reviewer/user", "requirements", "control-requirements");
    expect(outcome.summary.status).toBe("failed");
    expect(outcome.summary.reason).toMatch(/^the design-review gate failed with FAIL after 3 round\(s\)/);
    expect(gateVerdicts(outcome.events, "design-review")).toEqual(["FAIL", "FAIL", "FAIL"]);
    // The design was fixed each time; only the requirement the finding rests on was missing from the reviewer's prompt.
    expect(design.length).toBeGreaterThan(0);
    expect(design.every((condition) => condition.met)).toBe(true);
    expect(review).toEqual([
      { label: "reviewer sees the requirement, its previous finding and the fix", met: false, missing: [requirement] },
      { label: "reviewer sees the requirement, its previous finding and the fix", met: false, missing: [requirement] },
    ]);
  });

  it("fails when the reviewer is not shown its previous findings", async () => {
    const { outcome, design, review } = await runCaseTwoWithout("reviewer/user", "previousFindings", "control-previous-findings");
    expect(outcome.summary.status).toBe("failed");
    expect(design.every((condition) => condition.met)).toBe(true);
    expect(review.length).toBeGreaterThan(0);
    expect(review.every((condition) => !condition.met && condition.missing.length === 1 && condition.missing[0] === previousFinding)).toBe(true);
  });
});
