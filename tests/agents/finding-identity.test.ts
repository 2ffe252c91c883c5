import { describe, expect, it } from "vitest";
import { applyEvidenceRule } from "../../agents/shared/evidence-rule.ts";
import { assignFindingIds, previousFindingsOf, resolvedFindingIds } from "../../agents/shared/finding-identity.ts";
import { defectLog } from "../../agents/postmortem/metrics.ts";
import type { AspEvent } from "../../schemas/event.ts";
import type { GateFinding } from "../../schemas/review.ts";
import { eventData } from "../support/event-fixtures.ts";

const finding = (description: string, overrides: Partial<GateFinding> = {}): GateFinding => ({
  severity: "high", category: "c", description, recommendation: "", defectType: "function", target: "code", reviewer: "review-security", ...overrides,
});

describe("finding ids across the rounds of a gate", () => {
  it("keeps the id of a finding raised again, in other words' case and punctuation, and numbers new ones after the highest", () => {
    const previous = [{ id: "CR-1", severity: "high" as const, description: "No input validation", file: "a.py" }, { id: "CR-4", severity: "medium" as const, description: "naming" }];
    const current = assignFindingIds([finding("new problem"), finding("no input validation!", { file: "a.py", line: 9 })], previous, "CR");
    expect(current.map((item) => [item.description, item.id])).toEqual([["new problem", "CR-5"], ["no input validation!", "CR-1"]]);
  });

  it("counts a previous finding resolved only when a reviewer says so and nobody raised it again", () => {
    const previous = previousFindingsOf({ findings: [finding("a", { id: "DR-1" }), finding("b", { id: "DR-2" }), finding("c", { id: "DR-3", severity: "info" })] });
    expect(previous.map((item) => item.id)).toEqual(["DR-1", "DR-2"]);
    const current = [finding("b", { id: "DR-2" })];
    expect(resolvedFindingIds(previous, ["DR-1", "DR-2", "DR-9"], current)).toEqual(["DR-1"]);
  });

  it("lowers a model's high or critical finding without evidence to medium, and leaves checks and evidenced findings alone", () => {
    const [opinion, evidenced, check, medium] = applyEvidenceRule([
      finding("opinion", { severity: "critical" }),
      finding("evidenced", { evidence: "requirement 2: an empty name raises ValueError" }),
      finding("check", { reviewer: "automated-checks" }),
      finding("medium", { severity: "medium" }),
    ]);
    expect(opinion).toMatchObject({ severity: "medium", downgradedFrom: "critical" });
    expect(evidenced).toMatchObject({ severity: "high" });
    expect(evidenced!.downgradedFrom).toBeUndefined();
    expect(check).toMatchObject({ severity: "high" });
    expect(medium!.downgradedFrom).toBeUndefined();
  });
});

describe("the defect log", () => {
  const verdict = (stage: string, round: number, findings: unknown[]): AspEvent => ({ id: `${stage}${round}`, runId: "r", agent: "orchestrator", type: "gate.verdict", time: "2026-01-01T00:00:00.000Z", data: eventData("gate.verdict", { stage, round, findings: findings as never }) });

  it("logs a finding raised in several rounds once, with its rounds, and a different one separately", () => {
    const defects = defectLog([
      verdict("code-review", 1, [finding("no input validation", { id: "CR-1" })]),
      verdict("code-review", 2, [finding("no input validation", { id: "CR-1" }), finding("leaks the path", { id: "CR-2" })]),
      verdict("test", 1, [finding("test t failed: boom", { file: "t.py" })]),
      verdict("test", 2, [finding("test t failed: boom", { file: "t.py" })]),
    ]);
    expect(defects.map((defect) => [defect.description, defect.rounds])).toEqual([
      ["no input validation", [1, 2]],
      ["leaks the path", [2]],
      ["test t failed: boom", [1, 2]],
    ]);
    expect(defects[0]).toMatchObject({ findingId: "CR-1", removedIn: "code-review" });
  });
});
