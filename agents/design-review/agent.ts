import { z } from "zod";
import { defineAgent } from "../../bus/define-agent.ts";
import { designSchema } from "../../schemas/design.ts";
import { planSchema } from "../../schemas/plan.ts";
import { reviewSchema, type Review } from "../../schemas/review.ts";
import { stageInputSchema } from "../../schemas/run.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { fanOutReviewers } from "../shared/fan-out-reviewers.ts";
import { assembleReview } from "../shared/review-outcome.ts";
import { designVerdict, mergeFindings } from "../shared/verdict.ts";
import { builtInSpecialties } from "../reviewer/agent.ts";
import { checkDesign } from "./automated-checks.ts";

const designReviewInputSchema = stageInputSchema.and(z.object({ plan: planSchema, design: designSchema }));
type DesignReviewInput = z.infer<typeof designReviewInputSchema>;

export const designReviewAgent = defineAgent<DesignReviewInput, Review, AgentDeps>({
  name: "design-review",
  version: "1.0.0",
  description: "Automated design checks plus specialist reviewers fanned out in parallel",
  input: designReviewInputSchema,
  output: reviewSchema,
  async handle(input, context) {
    const automated = checkDesign(input.design, input.plan).map((finding) => ({ ...finding, reviewer: "automated-checks" }));
    const reviewers = [...builtInSpecialties.map((specialty) => `review-${specialty}`), ...input.reviewers];
    const outcomes = await fanOutReviewers(
      context,
      reviewers,
      { gate: "design-review", task: input.task, plan: input.plan, design: input.design },
      { timeoutMs: 300_000 },
    );
    const findings = mergeFindings([...automated, ...outcomes.flatMap((outcome) => outcome.findings)]);
    const reviewerFailed = outcomes.some((outcome) => outcome.status === "error");
    return assembleReview({ verdict: designVerdict(findings, reviewerFailed), findings, automatedFindings: automated.length, outcomes, describe: "on the design" });
  },
});
