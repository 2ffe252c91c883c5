import { describe, expect, it } from "vitest";
import { designReviewAgent } from "../../../agents/design-review/agent.ts";
import { defineReviewer } from "../../../agents/reviewer/agent.ts";
import { builtInSpecialties } from "../../../schemas/reviewer-job.ts";
import { AspError, ModelError } from "../../../errors/index.ts";
import type { ModelScript, RecordedModelCall } from "../../../llm/recording-model.ts";
import { design, plan, task } from "../support/code-fixture.ts";
import { startInMemoryAgents } from "./support/in-memory-agents.ts";

const reviewers = builtInSpecialties.map((specialty) => defineReviewer(specialty));
const input = (overrides: Record<string, unknown> = {}) => ({ runId: "run-1", task, stage: "design-review", round: 1, reviewers: [], plan, design, ...overrides });
const noFindings = () => ({ summary: "fine", findings: [] });
const finding = (severity: string, description: string, evidence?: string) => ({ severity, category: "design", description, target: "design", componentId: "greeter", ...(evidence ? { evidence } : {}) });

function gate(script: ModelScript, options: { maxDeliver?: number } = {}) {
  return startInMemoryAgents(script, [[designReviewAgent, { maxDeliver: options.maxDeliver ?? 1 }], ...reviewers]);
}

describe("the design-review handler on the in-memory runtime", () => {
  it("fans the design out to every specialist and aggregates their findings into one verdict", async () => {
    const { runtime, model } = gate({
      "review-security": () => ({ summary: "one", findings: [finding("high", "names are not validated", "requirement: an empty name raises ValueError")] }),
      "review-maintainability": () => ({ summary: "one", findings: [finding("medium", "the module name is vague")] }),
      "review-architecture": noFindings,
    });
    const review = await runtime.run(designReviewAgent, input());
    expect(model.calls.map((call) => call.agent).sort()).toEqual(["review-architecture:design", "review-maintainability:design", "review-security:design"]);
    expect(review.verdict).toBe("FAIL");
    expect(review.findings.map((each) => [each.id, each.severity, each.reviewer])).toEqual([
      ["DR-1", "high", "review-security"],
      ["DR-2", "medium", "review-maintainability"],
    ]);
    expect(review.reviewers).toEqual([
      { reviewer: "automated-checks", status: "ok", findings: 0 },
      { reviewer: "review-security", status: "ok", findings: 1 },
      { reviewer: "review-maintainability", status: "ok", findings: 1 },
      { reviewer: "review-architecture", status: "ok", findings: 0 },
    ]);
  });

  it("counts a high finding without evidence as medium: NEEDS_IMPROVEMENT, not FAIL", async () => {
    const { runtime } = gate({ "review-security": () => ({ summary: "one", findings: [finding("high", "I do not like it")] }), "review-maintainability": noFindings, "review-architecture": noFindings });
    const review = await runtime.run(designReviewAgent, input());
    expect(review.verdict).toBe("NEEDS_IMPROVEMENT");
    expect(review.findings[0]).toMatchObject({ severity: "medium", downgradedFrom: "high" });
    expect(review.summary).toContain("1 high or critical finding(s) without evidence counted as medium");
  });

  it("passes with no findings", async () => {
    const { runtime } = gate({ "review-security": noFindings, "review-maintainability": noFindings, "review-architecture": noFindings });
    expect((await runtime.run(designReviewAgent, input())).verdict).toBe("PASS");
  });

  it("fails closed when a reviewer fails: the stage errors naming the reviewer, it never becomes a verdict", async () => {
    const broken = () => new ModelError("401 from the model", { code: "model_authentication_failed", retryable: false });
    const { runtime } = gate({ "review-security": noFindings, "review-maintainability": broken, "review-architecture": noFindings }, { maxDeliver: 2 });
    const failure = await runtime.run(designReviewAgent, input()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AspError);
    expect(failure).toMatchObject({ code: "reviewer_failed" });
    expect((failure as Error).message).toContain("review-maintainability: ");
    // Retryable: the gate is delivered again and asks every reviewer again, under new job ids.
    const gateDeliveries = runtime.deliveries.filter((delivery) => delivery.agent === "design-review");
    expect(gateDeliveries.map((delivery) => delivery.outcome)).toEqual(["retried", "dead_letter"]);
    expect(runtime.eventsOfType("review.reviewer_failed").map((event) => event.data.reviewers)).toEqual([["review-maintainability"], ["review-maintainability"]]);
    expect(runtime.eventsOfType("gate.verdict")).toEqual([]);
  });

  it("fails closed on a listed reviewer that nobody runs", async () => {
    const { runtime } = gate({ "review-security": noFindings, "review-maintainability": noFindings, "review-architecture": noFindings });
    const failure = await runtime.run(designReviewAgent, input({ reviewers: ["review-license"] })).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "reviewer_failed" });
    expect((failure as Error).message).toMatch(/review-license: no worker took agent review-license/);
  });

  it("in round 2 gives every reviewer the previous findings by id, keeps the id of one raised again and lists the resolved", async () => {
    const previous = { verdict: "FAIL", summary: "", reviewers: [], findings: [{ ...finding("high", "names are not validated", "requirement"), reviewer: "review-security", id: "DR-1" }, { ...finding("medium", "the module name is vague"), reviewer: "review-maintainability", id: "DR-2" }] };
    const stillOpen = (call: RecordedModelCall) =>
      call.prompt.includes("DR-1") ? { summary: "DR-1 stays", findings: [finding("high", "Names are not validated!", "requirement")], resolved: ["DR-2"] } : { summary: "no memory", findings: [] };
    const { runtime, model } = gate({ "review-security": stillOpen, "review-maintainability": (call: RecordedModelCall) => ({ summary: "ok", findings: [], resolved: call.prompt.includes("DR-2") ? ["DR-2"] : [] }), "review-architecture": noFindings });
    const review = await runtime.run(designReviewAgent, input({ round: 2, designReview: previous }));
    for (const call of model.calls) expect(call.prompt).toContain("DR-2 [medium] from review-maintainability (component greeter): the module name is vague");
    expect(review.findings.map((each) => each.id)).toEqual(["DR-1"]);
    expect(review.resolved).toEqual(["DR-2"]);
    expect(review.verdict).toBe("FAIL");
  });
});
