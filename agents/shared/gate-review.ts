import type { JobContext } from "../../bus/define-agent.ts";
import type { GateFinding, Review } from "../../schemas/review.ts";
import type { ReviewerJob } from "../../schemas/reviewer-job.ts";
import { defaultReviewerTimeouts } from "./agent-config.ts";
import type { AgentDeps } from "./agent-deps.ts";
import { applyEvidenceRule } from "./evidence-rule.ts";
import { fanOutReviewers, requireEveryReviewer } from "./fan-out-reviewers.ts";
import { assignFindingIds, previousFindingsOf, resolvedFindingIds } from "./finding-identity.ts";
import { mergeFindings } from "./verdict.ts";

export interface GateReviewOptions {
  gate: "design-review" | "code-review";
  /** Built-in specialists and the pipeline's plug-in reviewers, by subject. */
  reviewers: string[];
  job: Omit<ReviewerJob, "specialty" | "previousFindings">;
  /** Findings of the gate's own checks (cycles, missing files). */
  automated: GateFinding[];
  /** The gate's output of its previous round, if there was one: its findings are followed by id. */
  previousReview: unknown;
  verdictOf(findings: GateFinding[]): string;
  describe: string;
  /** Lets a gate adjust a finding it cannot act on as given (a file outside the project). */
  adjust?: (finding: GateFinding) => GateFinding;
}

/**
 * One round of a review gate, the same for design and code: every reviewer gets the requirements (in the
 * task), the artefact and the previous round's findings with their ids; a failed reviewer makes the stage
 * error rather than vote; findings are merged, held to the evidence rule, and keep their ids across rounds.
 */
export async function reviewAtGate(context: JobContext<AgentDeps>, options: GateReviewOptions): Promise<Review> {
  const previousFindings = previousFindingsOf(options.previousReview);
  const outcomes = await fanOutReviewers(context, options.reviewers, { ...options.job, previousFindings }, context.deps.reviewerTimeouts ?? defaultReviewerTimeouts);
  await requireEveryReviewer(context, options.gate, outcomes);
  const adjust = options.adjust ?? ((finding: GateFinding) => finding);
  // Merged again after the evidence rule, which changes severities: the list stays most severe first.
  const merged = mergeFindings(applyEvidenceRule(mergeFindings([...options.automated, ...outcomes.flatMap((outcome) => outcome.findings)]).map(adjust)));
  const findings = assignFindingIds(merged, previousFindings, options.gate === "design-review" ? "DR" : "CR");
  const resolved = resolvedFindingIds(previousFindings, outcomes.flatMap((outcome) => outcome.resolved), findings);
  const downgraded = findings.filter((finding) => finding.downgradedFrom).length;
  return {
    verdict: options.verdictOf(findings),
    summary: [
      `${findings.length} finding(s) ${options.describe} from ${outcomes.length} reviewers and the automated checks`,
      previousFindings.length > 0 ? `${resolved.length} of the ${previousFindings.length} previous finding(s) resolved` : "",
      downgraded > 0 ? `${downgraded} high or critical finding(s) without evidence counted as medium` : "",
    ].filter(Boolean).join("; "),
    findings,
    resolved,
    reviewers: [
      { reviewer: "automated-checks", status: "ok", findings: options.automated.length },
      ...outcomes.map((outcome) => ({ reviewer: outcome.reviewer, status: outcome.status, findings: outcome.findings.length })),
    ],
  };
}
