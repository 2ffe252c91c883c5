import { defineAgent, type AgentDefinition } from "../../bus/define-agent.ts";
import { reviewerAgentName, reviewerJobSchema, type ReviewerJob } from "../../schemas/reviewer-job.ts";
import { reviewerReplySchema, type ReviewerReply } from "../../schemas/review.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { modelForJob } from "../shared/model-for-job.ts";
import { renderDesign, renderPlan, renderPreviousFindings, taskValues } from "../shared/render.ts";

function artifactText(job: ReviewerJob): string {
  if (job.gate === "design-review") {
    return [job.plan ? `Plan:\n${renderPlan(job.plan)}` : "", job.design ? `Design:\n${renderDesign(job.design)}` : ""].join("\n\n");
  }
  const files = (job.files ?? []).map((file) => {
    const numbered = file.content.split("\n").map((line, index) => `${String(index + 1).padStart(4)} ${line}`).join("\n");
    return `File ${file.path} (${file.type}):\n${numbered}`;
  });
  return [job.design ? `Design:\n${renderDesign(job.design)}` : "", ...files].join("\n\n");
}

/**
 * A specialist reviewer listens on its own subject (`review-<specialty>`), so a gate fans out by
 * subject and a plug-in reviewer is one more subject with the same job and reply schemas.
 */
export function defineReviewer(specialty: string): AgentDefinition<ReviewerJob, ReviewerReply, AgentDeps> {
  const name = reviewerAgentName(specialty);
  return defineAgent<ReviewerJob, ReviewerReply, AgentDeps>({
    name,
    version: "1.0.0",
    description: `Specialist ${specialty} reviewer for design and code gates`,
    input: reviewerJobSchema,
    output: reviewerReplySchema,
    concurrency: 4,
    async handle(job, context) {
      const { prompts } = context.deps;
      const artifact = job.gate === "design-review" ? "design" : "code";
      const model = modelForJob(context);
      return model.structured({
        agent: `${name}:${artifact}`,
        schema: reviewerReplySchema,
        toolName: "submit_review",
        toolDescription: `Submit the ${specialty} review findings`,
        system: await prompts.render("reviewer/system", 1, {
          specialty,
          artifact,
          focus: await prompts.render(`reviewer/focus-${specialty}`, 1),
        }),
        prompt: await prompts.render("reviewer/user", 1, {
          ...taskValues(job.task),
          artifactText: artifactText(job),
          previousFindings: renderPreviousFindings(job.previousFindings),
        }),
        maxTokens: 4000,
      });
    },
  });
}
