import type { GateFinding } from "../../schemas/review.ts";

/** Findings of the gate's own checks state a fact (a cycle, a missing file); only a model's opinion needs evidence. */
const checksThatNeedNoEvidence = new Set(["automated-checks"]);

/**
 * A `high` or `critical` finding fails the gate, so it must cite a requirement or a concrete failure.
 * One without evidence counts as `medium`: still reported and still logged as a defect, but it no
 * longer sends the run back for a rewrite on a reviewer's say-so. The original severity is kept.
 */
export function applyEvidenceRule(findings: GateFinding[]): GateFinding[] {
  return findings.map((finding) => {
    const blocking = finding.severity === "high" || finding.severity === "critical";
    if (!blocking || checksThatNeedNoEvidence.has(finding.reviewer) || (finding.evidence ?? "").trim().length > 0) return finding;
    return { ...finding, severity: "medium", downgradedFrom: finding.severity };
  });
}
