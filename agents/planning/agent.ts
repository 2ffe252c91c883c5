import { defineAgent } from "../../bus/define-agent.ts";
import { planDraftSchema, planSchema, type Plan } from "../../schemas/plan.ts";
import { stageInputSchema, type StageInput } from "../../schemas/run.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { modelForJob } from "../shared/model-for-job.ts";
import { renderFeedback, taskValues } from "../shared/render.ts";
import { renderRepositoryMap, repositoryOf } from "../shared/render-repository-map.ts";
import { buildPlan } from "./complexity.ts";
import { probeEstimate } from "./probe.ts";

export const planningAgent = defineAgent<StageInput, Plan, AgentDeps>({
  name: "planning",
  version: "1.0.0",
  description: "Splits a task into semantic units, scores them, computes complexity and a PROBE estimate",
  input: stageInputSchema,
  output: planSchema,
  async handle(input, context) {
    const { prompts, history } = context.deps;
    const model = modelForJob(context);
    const draft = await model.structured({
      agent: "planning",
      schema: planDraftSchema,
      toolName: "submit_plan",
      toolDescription: "Submit the semantic units of the task with their five scores",
      system: await prompts.render("planning/system", 1),
      prompt: await prompts.render("planning/user", 1, {
        ...taskValues(input.task),
        feedback: renderFeedback(input.feedback),
        repositoryMap: renderRepositoryMap(repositoryOf(input)),
      }),
    });
    const withoutEstimate = buildPlan(draft);
    const probe = probeEstimate(await history.list(), withoutEstimate.totals.complexity);
    const plan = buildPlan(draft, probe);
    await context.emit("plan.ready", { units: plan.totals.units, complexity: plan.totals.complexity, probe: probe ?? null });
    return plan;
  },
});
