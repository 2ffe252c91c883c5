import type { Review } from "../../schemas/review.ts";
import type { ReviewerOutcome } from "./fan-out-reviewers.ts";
import type { ReviewerFinding } from "./verdict.ts";

/**
 * The review a gate returns, the same for design and code: the verdict, a summary that says when
 * a reviewer failed (the gate then fails closed), and one line per reviewer, automated checks first.
 */
export function assembleReview(options: {
  verdict: string;
  findings: ReviewerFinding[];
  automatedFindings: number;
  outcomes: ReviewerOutcome[];
  describe: string;
}): Review {
  const failed = options.outcomes.filter((outcome) => outcome.status === "error");
  return {
    verdict: options.verdict,
    summary:
      failed.length > 0
        ? `reviewer(s) ${failed.map((outcome) => outcome.reviewer).join(", ")} failed, so the review fails closed`
        : `${options.findings.length} finding(s) ${options.describe} from ${options.outcomes.length} reviewers and the automated checks`,
    findings: options.findings,
    reviewers: [
      { reviewer: "automated-checks", status: "ok", findings: options.automatedFindings },
      ...options.outcomes.map((outcome) => ({ reviewer: outcome.reviewer, status: outcome.status, findings: outcome.findings.length, ...(outcome.error ? { error: outcome.error } : {}) })),
    ],
  };
}
