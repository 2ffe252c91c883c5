import type { Finding, GateFinding } from "../../schemas/review.ts";
import { normalise } from "./finding-identity.ts";

export type ReviewerFinding = GateFinding;

/** Findings from several reviewers often say the same thing; keep the most severe copy of each. */
export function mergeFindings(findings: ReviewerFinding[]): ReviewerFinding[] {
  const rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;
  const byKey = new Map<string, ReviewerFinding>();
  for (const finding of findings) {
    const key = [finding.file ?? "", finding.line ?? "", finding.componentId ?? "", normalise(finding.description)].join("|");
    const existing = byKey.get(key);
    if (!existing || rank[finding.severity] < rank[existing.severity]) byKey.set(key, finding);
  }
  return [...byKey.values()].sort((left, right) => rank[left.severity] - rank[right.severity]);
}

export function hasBlockingFinding(findings: Finding[]): boolean {
  return findings.some((finding) => finding.severity === "critical" || finding.severity === "high");
}

/** Design review: any critical/high ⇒ FAIL, any medium ⇒ NEEDS_IMPROVEMENT. (A failed reviewer errors the stage instead.) */
export function designVerdict(findings: Finding[]): "PASS" | "NEEDS_IMPROVEMENT" | "FAIL" {
  if (hasBlockingFinding(findings)) return "FAIL";
  return findings.some((finding) => finding.severity === "medium") ? "NEEDS_IMPROVEMENT" : "PASS";
}

/** Code review: any critical/high ⇒ FAIL, any medium ⇒ CONDITIONAL_PASS. (A failed reviewer errors the stage instead.) */
export function codeVerdict(findings: Finding[]): "PASS" | "CONDITIONAL_PASS" | "FAIL" {
  if (hasBlockingFinding(findings)) return "FAIL";
  return findings.some((finding) => finding.severity === "medium") ? "CONDITIONAL_PASS" : "PASS";
}
