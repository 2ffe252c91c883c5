import { jsonCodec } from "../../bus/codec.ts";
import type { JobContext } from "../../bus/define-agent.ts";
import { reviewerJobSchema, type ReviewerJob } from "../../schemas/reviewer-job.ts";
import { reviewerReplySchema, type Finding } from "../../schemas/review.ts";
import { isBudgetExceeded } from "../../errors/index.ts";
import type { AgentDeps } from "./agent-deps.ts";

export interface ReviewerOutcome {
  reviewer: string;
  status: "ok" | "error";
  findings: Array<Finding & { reviewer: string }>;
  summary: string;
  error?: string;
}

const reviewerJobCodec = jsonCodec(reviewerJobSchema);
const reviewerReplyCodec = jsonCodec(reviewerReplySchema);

/**
 * Sends the same review job to every reviewer subject at once and waits for all. A reviewer that
 * errors or times out is reported as such: the gate fails closed, it never reads it as "no issues".
 */
export async function fanOutReviewers(
  context: JobContext<AgentDeps>,
  reviewers: string[],
  job: Omit<ReviewerJob, "specialty">,
  options: { timeoutMs: number },
): Promise<ReviewerOutcome[]> {
  const heartbeat = setInterval(() => context.working(), 1000);
  try {
    return await Promise.all(
      reviewers.map(async (reviewer): Promise<ReviewerOutcome> => {
        try {
          const reply = await context.deps.jobs.request(reviewer, { ...job, specialty: reviewer.replace(/^review-/, "") }, {
            runId: context.runId,
            taskId: context.taskId,
            traceId: context.traceId,
            jobId: `${context.jobId}-${reviewer}`,
            inputCodec: reviewerJobCodec,
            outputCodec: reviewerReplyCodec,
            timeoutMs: options.timeoutMs,
          });
          const findings = reply.output.findings.map((finding) => ({ ...finding, reviewer }));
          return { reviewer, status: "ok", findings, summary: reply.output.summary };
        } catch (error) {
          if (isBudgetExceeded(error)) throw error;
          const message = (error as Error).message;
          context.logger.warn({ reviewer, error: message }, "reviewer failed; the gate fails closed");
          return { reviewer, status: "error", findings: [], summary: "", error: message };
        }
      }),
    );
  } finally {
    clearInterval(heartbeat);
  }
}
