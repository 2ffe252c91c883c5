import { defineAgent } from "../../bus/define-agent.ts";
import { designSchema, type Design } from "../../schemas/design.ts";
import { planSchema } from "../../schemas/plan.ts";
import { stageInputSchema } from "../../schemas/run.ts";
import { z } from "zod";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { modelForJob } from "../shared/model-for-job.ts";
import { renderRepositoryMap, repositoryOf } from "../shared/render-repository-map.ts";
import { renderFeedback, renderPlan, renderPreviousDesign, taskValues } from "../shared/render.ts";

// `design` is there from round 2 on: the stage input carries every earlier output by name.
const designInputSchema = stageInputSchema.and(z.object({ plan: planSchema, design: designSchema.optional() }));
type DesignInput = z.infer<typeof designInputSchema>;

export const designAgent = defineAgent<DesignInput, Design, AgentDeps>({
  name: "design",
  version: "1.0.0",
  description: "Turns a task and its plan into API contracts, data schemas, components and a review checklist",
  input: designInputSchema,
  output: designSchema,
  async handle(input, context) {
    const { prompts } = context.deps;
    const model = modelForJob(context);
    return model.structured({
      agent: "design",
      schema: designSchema,
      toolName: "submit_design",
      toolDescription: "Submit the design specification",
      system: await prompts.render("design/system", 1),
      prompt: await prompts.render("design/user", 1, {
        ...taskValues(input.task),
        plan: renderPlan(input.plan),
        feedback: renderFeedback(input.feedback),
        repositoryMap: renderRepositoryMap(repositoryOf(input)),
        // A design sent back by its review is revised, not started again: a fresh design brings fresh findings.
        previousDesign: input.feedback ? renderPreviousDesign(input.design) : "",
      }),
      maxTokens: 8000,
    });
  },
});
