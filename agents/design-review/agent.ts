import { z } from "zod";
import { defineAgent } from "../../bus/define-agent.ts";
import { designSchema } from "../../schemas/design.ts";
import { planSchema } from "../../schemas/plan.ts";
import { reviewSchema, type Review } from "../../schemas/review.ts";
import { builtInReviewerAgents } from "../../schemas/reviewer-job.ts";
import { stageInputSchema } from "../../schemas/run.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { reviewAtGate } from "../shared/gate-review.ts";
import { designVerdict } from "../shared/verdict.ts";
import { checkDesign } from "./automated-checks.ts";

const designReviewInputSchema = stageInputSchema.and(z.object({ plan: planSchema, design: designSchema, designReview: z.unknown().optional() }));
type DesignReviewInput = z.infer<typeof designReviewInputSchema>;

export const designReviewAgent = defineAgent<DesignReviewInput, Review, AgentDeps>({
  name: "design-review",
  version: "1.0.0",
  description: "Automated design checks plus specialist reviewers fanned out in parallel",
  input: designReviewInputSchema,
  output: reviewSchema,
  async handle(input, context) {
    return reviewAtGate(context, {
      gate: "design-review",
      reviewers: [...builtInReviewerAgents, ...input.reviewers],
      job: { gate: "design-review", task: input.task, plan: input.plan, design: input.design },
      automated: checkDesign(input.design, input.plan).map((finding) => ({ ...finding, reviewer: "automated-checks" })),
      // The stage input carries every earlier output by name: in round 2 this is round 1's review.
      previousReview: input.designReview,
      verdictOf: designVerdict,
      describe: "on the design",
    });
  },
});
