import { afterEach, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { designAgent } from "../../agents/design/agent.ts";
import { designReviewAgent } from "../../agents/design-review/agent.ts";
import { feedbackFromGate } from "../../agents/orchestrator/feedback.ts";
import type { AspError } from "../../errors/index.ts";
import type { Review } from "../../schemas/review.ts";
import { design, plan, task } from "./support/code-fixture.ts";
import { promptsWithout, requestText, startHandlerHarness, type HandlerHarness } from "./support/handler-harness.ts";

let harness: HandlerHarness | undefined;
afterEach(async () => {
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

const requirement = task.requirements[1]!; // "an empty name raises ValueError"
const missingCheck = {
  severity: "high",
  category: "validation",
  description: "greet has no contract for an empty name",
  recommendation: "Say that greet raises ValueError on an empty name",
  defectType: "interface",
  target: "design",
  componentId: "greeter",
  evidence: `the requirement "${requirement}" has no API contract that raises it`,
};
const opinion = { severity: "high", category: "naming", description: "the module name greet.core is vague", recommendation: "", defectType: "documentation", target: "design" };
const clean = { summary: "no problems", findings: [] };

/** The architecture reviewer fixes its mind only when it is shown both the requirement and its own earlier finding by id. */
function reviewScenario() {
  return {
    name: "review-gates",
    agents: {
      "review-architecture:design": [
        { summary: "one gap", findings: [missingCheck] },
        {
          // The id with the finding it names: an id alone could belong to another reviewer's finding.
          requires: ["DR-1 [high] from review-architecture", requirement],
          reply: { summary: "the gap is closed", findings: [], resolved: ["DR-1"] },
          fallback: { summary: "one gap", findings: [missingCheck] },
          label: "reviewer sees its previous finding and the requirement",
        },
      ],
      "review-maintainability:design": [{ summary: "a naming remark", findings: [opinion] }, clean],
      "review-security:design": [clean],
      design: [
        {
          requires: ["DR-1", "<previous-design>", "greet(name: str) -> str"],
          reply: design,
          fallback: { ...design, overview: "A new design from scratch." },
          label: "design sees the finding and its previous design",
        },
      ],
    },
    files: {},
  };
}

async function review(round: number, previousReview?: Review, attempt = 1): Promise<Review> {
  const input = (designReviewAgent.input as ZodType<Parameters<typeof designReviewAgent.handle>[0]>).parse({
    runId: "run-1", task, stage: "design-review", round, reviewers: [], plan, design, ...(previousReview ? { designReview: previousReview } : {}),
  });
  return designReviewAgent.handle(input, harness!.context({ jobId: `run-1-design-review-r${round}`, agent: "design-review", attempt }));
}

const conditionOf = (agent: string) => harness!.model.simulator.transcript().filter((entry) => entry.agent === agent && entry.status === 200).at(-1)?.condition;

describe("review gates", () => {
  it("give findings ids, count a high finding without evidence as medium, and show reviewers the requirements", async () => {
    harness = await startHandlerHarness({ scenario: reviewScenario() });
    const first = await review(1);
    expect(first.verdict).toBe("FAIL");
    const byCategory = Object.fromEntries(first.findings.map((finding) => [finding.category, finding]));
    expect(byCategory.validation).toMatchObject({ id: "DR-1", severity: "high", reviewer: "review-architecture" });
    expect(byCategory.naming).toMatchObject({ id: "DR-2", severity: "medium", downgradedFrom: "high" });
    expect(first.summary).toContain("1 high or critical finding(s) without evidence counted as medium");
    const reviewerRequest = harness.model.simulator.transcript().find((entry) => entry.agent === "review-architecture:design")!;
    expect(requestText(reviewerRequest.request)).toContain(requirement);
  });

  it("show the next round's reviewers their previous findings by id, and report the ones they find resolved", async () => {
    harness = await startHandlerHarness({ scenario: reviewScenario() });
    const first = await review(1);
    const second = await review(2, first);
    expect(conditionOf("review-architecture:design")).toMatchObject({ met: true });
    expect(second).toMatchObject({ verdict: "PASS", findings: [], resolved: ["DR-1"] });
    expect(second.summary).toContain("1 of the 2 previous finding(s) resolved");
  });

  it("negative control: without the previous findings in the prompt the reviewer raises its finding again, under the same id", async () => {
    await using prompts = await promptsWithout("reviewer/user", "previousFindings");
    harness = await startHandlerHarness({ scenario: reviewScenario(), promptsDirectory: prompts.directory });
    const first = await review(1);
    const second = await review(2, first);
    expect(conditionOf("review-architecture:design")).toMatchObject({ met: false, missing: ["DR-1 [high] from review-architecture"] });
    expect(second.verdict).toBe("FAIL");
    expect(second.findings.find((finding) => finding.category === "validation")).toMatchObject({ id: "DR-1" });
    expect(second.resolved).toEqual([]);
  });

  it("negative control: without the requirements the reviewer cannot judge the fix", async () => {
    await using prompts = await promptsWithout("reviewer/user", "requirements");
    harness = await startHandlerHarness({ scenario: reviewScenario(), promptsDirectory: prompts.directory });
    const second = await review(2, await review(1));
    expect(conditionOf("review-architecture:design")).toMatchObject({ met: false, missing: [requirement] });
    expect(second.verdict).toBe("FAIL");
  });

  it("revise the design: round 2 of design sees the findings by id and its previous design", async () => {
    harness = await startHandlerHarness({ scenario: reviewScenario() });
    const first = await review(1);
    const input = (designAgent.input as ZodType<Parameters<typeof designAgent.handle>[0]>).parse({
      runId: "run-1", task, stage: "design", round: 2, reviewers: [], plan, design, feedback: feedbackFromGate("design-review", 1, first),
    });
    const revised = await designAgent.handle(input, harness.context({ jobId: "run-1-design-r2", agent: "design" }));
    expect(conditionOf("design")).toMatchObject({ met: true });
    expect(revised.overview).toBe(design.overview);
  });

  it("negative control: a design round without its previous design starts again from scratch", async () => {
    await using prompts = await promptsWithout("design/user", "previousDesign");
    harness = await startHandlerHarness({ scenario: reviewScenario(), promptsDirectory: prompts.directory });
    const first = await review(1);
    const input = (designAgent.input as ZodType<Parameters<typeof designAgent.handle>[0]>).parse({
      runId: "run-1", task, stage: "design", round: 2, reviewers: [], plan, design, feedback: feedbackFromGate("design-review", 1, first),
    });
    const revised = await designAgent.handle(input, harness.context({ jobId: "run-1-design-r2", agent: "design" }));
    expect(conditionOf("design")).toMatchObject({ met: false });
    expect(revised.overview).toBe("A new design from scratch.");
  });

  it("turn a reviewer that fails past its retries into a retryable stage error, never a verdict; the retried stage passes", async () => {
    const scenario = {
      ...reviewScenario(),
      agents: { "review-architecture:design": [clean], "review-maintainability:design": [clean], "review-security:design": [clean] },
      // Two attempts per call in this harness: both 429, so the security reviewer fails once, then answers.
      faults: { rate: 0, script: [{ kind: "rate_limited" as const, agent: "review-security", times: 2, retryAfterSeconds: 0 }] },
    };
    harness = await startHandlerHarness({ scenario, maxAttempts: 2 });
    const failure = (await review(1).then(
      () => undefined,
      (error: unknown) => error,
    )) as AspError | undefined;
    expect(failure).toMatchObject({ code: "reviewer_failed", retryable: true });
    expect(failure!.message).toContain("review-security");
    expect(harness.eventsOfType("review.reviewer_failed")).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ gate: "design-review", reviewers: ["review-security"], attempt: 1 }) }),
    ]);
    expect(harness.eventsOfType("gate.verdict")).toEqual([]);

    // The stage's redelivery: the reviewers are asked again under new job ids, and the gate passes.
    const retried = await review(1, undefined, 2);
    expect(retried.verdict).toBe("PASS");
    const securityCalls = harness.model.simulator.transcript().filter((entry) => entry.agent === "review-security:design");
    expect(securityCalls.map((entry) => entry.status)).toEqual([429, 429, 200]);
  });
});
