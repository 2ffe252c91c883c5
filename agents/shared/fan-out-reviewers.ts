import { jsonCodec } from "../../bus/codec.ts";
import type { JobContext } from "../../bus/define-agent.ts";
import { reviewerJobSchema, type ReviewerJob } from "../../schemas/reviewer-job.ts";
import { reviewerReplySchema, type Finding } from "../../schemas/review.ts";
import { AspError, isBudgetExceeded } from "../../errors/index.ts";
import type { ReviewerTimeouts } from "./agent-config.ts";
import type { AgentDeps } from "./agent-deps.ts";
import { jobIds } from "../../bus/job-ids.ts";

export interface ReviewerOutcome {
  reviewer: string;
  status: "ok" | "error";
  findings: Array<Finding & { reviewer: string }>;
  summary: string;
  /** Ids of previous findings this reviewer found resolved. */
  resolved: string[];
  error?: string;
}

const reviewerJobCodec = jsonCodec(reviewerJobSchema);
const reviewerReplyCodec = jsonCodec(reviewerReplySchema);

/**
 * Sends the same review job to every reviewer subject at once and waits for all. A reviewer that
 * errors or times out (after its own redeliveries) is reported as such; the gate then errors through
 * requireEveryReviewer, so a failed reviewer is never read as "no issues" nor as a failing verdict.
 * A reviewer with no live instance never takes its job: the queue timeout says so in `queueMs`,
 * rather than the gate waiting out the whole answer time for a reviewer that is not there.
 */
export async function fanOutReviewers(
  context: JobContext<AgentDeps>,
  reviewers: string[],
  job: Omit<ReviewerJob, "specialty">,
  timeouts: ReviewerTimeouts,
): Promise<ReviewerOutcome[]> {
  return await Promise.all(
    reviewers.map(async (reviewer): Promise<ReviewerOutcome> => {
      try {
        const reply = await context.deps.jobs.request(reviewer, { ...job, specialty: reviewer.replace(/^review-/, "") }, {
          runId: context.runId,
          taskId: context.taskId,
          traceId: context.traceId,
          jobId: jobIds.reviewer(context.jobId, reviewer, context.attempt),
          inputCodec: reviewerJobCodec,
          outputCodec: reviewerReplyCodec,
          queueTimeoutMs: timeouts.queueMs,
          timeoutMs: timeouts.answerMs,
        });
        const findings = reply.output.findings.map((finding) => ({ ...finding, reviewer }));
        return { reviewer, status: "ok", findings, summary: reply.output.summary, resolved: reply.output.resolved };
      } catch (error) {
        if (isBudgetExceeded(error)) throw error;
        const message = (error as Error).message;
        context.logger.warn({ reviewer, error: message }, "reviewer failed");
        return { reviewer, status: "error", findings: [], summary: "", resolved: [], error: message };
      }
    }),
  );
}

/**
 * A gate whose reviewer failed (a 429 past its retries, a timeout) has no review to give: it errors with
 * a retryable error, so its stage job is redelivered and every reviewer asked again. When the deliveries
 * run out the stage fails and the run errors, naming the reviewer. It never becomes a verdict, because a
 * FAIL would send every file back to be rewritten for a fault of the infrastructure.
 */
export async function requireEveryReviewer(context: JobContext<AgentDeps>, gate: string, outcomes: ReviewerOutcome[]): Promise<void> {
  const failed = outcomes.filter((outcome) => outcome.status === "error");
  if (failed.length === 0) return;
  const reasons = failed.map((outcome) => `${outcome.reviewer}: ${outcome.error ?? "failed"}`);
  await context.emit("review.reviewer_failed", { gate, attempt: context.attempt, reviewers: failed.map((outcome) => outcome.reviewer), reasons });
  throw new AspError(`${gate} could not review: reviewer(s) failed (${reasons.join("; ")}); the stage is retried`, {
    code: "reviewer_failed",
    retryable: true,
    details: { gate, reviewers: failed.map((outcome) => outcome.reviewer) },
  });
}
