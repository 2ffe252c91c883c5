import type { Finding, GateFinding } from "../../schemas/review.ts";
import type { PreviousFinding } from "../../schemas/reviewer-job.ts";

/** What makes two findings the same finding: where it is and what it says, whoever raised it and in which round. */
export function findingKey(finding: Pick<Finding, "file" | "line" | "componentId" | "description">): string {
  return [finding.file ?? "", finding.componentId ?? "", normalise(finding.description)].join("|");
}

export function normalise(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

const idNumber = (id: string, prefix: string): number => {
  const match = id.match(new RegExp(`^${prefix}-(\\d+)$`));
  return match ? Number(match[1]) : 0;
};

/**
 * Gives each finding of a gate round its id: a finding raised again (the same key as one of the previous
 * round's) keeps that id, so reviewers, writers and the defect log can follow it across rounds; a new one
 * takes the next free number. Ids are `DR-<n>` for design review and `CR-<n>` for code review.
 */
export function assignFindingIds(findings: GateFinding[], previous: PreviousFinding[], prefix: "DR" | "CR"): GateFinding[] {
  const previousIds = new Map(previous.map((finding) => [findingKey(finding), finding.id]));
  let next = Math.max(0, ...previous.map((finding) => idNumber(finding.id, prefix)));
  const used = new Set<string>();
  return findings.map((finding) => {
    const kept = previousIds.get(findingKey(finding));
    if (kept && !used.has(kept)) {
      used.add(kept);
      return { ...finding, id: kept };
    }
    next += 1;
    return { ...finding, id: `${prefix}-${next}` };
  });
}

/** The previous round's findings as the next round's reviewers get them (info findings are not worth following). */
export function previousFindingsOf(review: unknown): PreviousFinding[] {
  const findings = (review as { findings?: unknown } | undefined)?.findings;
  if (!Array.isArray(findings)) return [];
  return (findings as GateFinding[])
    .filter((finding) => typeof finding.id === "string" && finding.severity !== "info")
    .map((finding) => ({
      id: finding.id!,
      severity: finding.severity,
      description: finding.description,
      reviewer: finding.reviewer,
      ...(finding.file ? { file: finding.file } : {}),
      ...(finding.line ? { line: finding.line } : {}),
      ...(finding.componentId ? { componentId: finding.componentId } : {}),
    }));
}

/**
 * A previous finding is resolved when a reviewer says so and no reviewer raised it again this round
 * (the same id after assignFindingIds): a claim of "resolved" does not outweigh a reviewer who still sees it.
 */
export function resolvedFindingIds(previous: PreviousFinding[], claimed: string[], current: GateFinding[]): string[] {
  const stillOpen = new Set(current.map((finding) => finding.id));
  const claims = new Set(claimed);
  return previous.filter((finding) => claims.has(finding.id) && !stillOpen.has(finding.id)).map((finding) => finding.id);
}
