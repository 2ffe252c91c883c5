import { defineAgent } from "../../bus/define-agent.ts";
import { codeResultSchema } from "../../schemas/file-job.ts";
import { planSchema } from "../../schemas/plan.ts";
import { improvementProposalSchema, postmortemSchema, type Postmortem } from "../../schemas/postmortem.ts";
import { stageInputSchema } from "../../schemas/run.ts";
import { z } from "zod";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { modelForJob } from "../shared/model-for-job.ts";
import { computeMetrics, totalTokens } from "./metrics.ts";

const postmortemInputSchema = stageInputSchema.and(
  z.object({ plan: planSchema.optional(), code: codeResultSchema.optional(), outcome: z.string().default("passed") }),
);
type PostmortemInput = z.infer<typeof postmortemInputSchema>;

export const postmortemAgent = defineAgent<PostmortemInput, Postmortem, AgentDeps>({
  name: "postmortem",
  version: "1.0.0",
  description: "Computes PSP metrics from the run's events and asks the model for an improvement proposal",
  input: postmortemInputSchema,
  output: postmortemSchema,
  async handle(input, context) {
    const events = await context.deps.readRunEvents(input.runId);
    const metrics = computeMetrics({ runId: input.runId, outcome: input.outcome, plan: input.plan, code: input.code, events,
      now: context.clock.now(),
      onInvalid: (error) => context.logger.warn({ err: error }, "event skipped by the postmortem: it fails its catalogue schema"),
    });
    let proposal: Postmortem["proposal"] = null;
    try {
      proposal = await modelForJob(context).structured({
        agent: "postmortem",
        schema: improvementProposalSchema,
        toolName: "submit_improvement_proposal",
        system: await context.deps.prompts.render("postmortem/system", 1),
        prompt: await context.deps.prompts.render("postmortem/user", 1, { title: input.task.title, figures: JSON.stringify(metrics, null, 2) }),
        maxTokens: 3000,
      });
    } catch (error) {
      // The figures stand on their own; a failed proposal must not lose them.
      context.logger.warn({ error: (error as Error).message }, "improvement proposal failed");
      await context.emit("postmortem.proposal_failed", { error: (error as Error).message });
    }
    await context.deps.history.put({
      runId: input.runId,
      finishedAt: new Date(context.clock.now()).toISOString(),
      outcome: input.outcome,
      estimatedComplexity: metrics.estimatedComplexity,
      actualTokens: totalTokens(metrics.totals),
      actualCostUsd: metrics.totals.costUsd,
      actualDurationMs: metrics.plannedVersusActual.durationMs.actual,
      files: metrics.plannedVersusActual.files.actual,
      lines: metrics.plannedVersusActual.lines.actual,
      defects: metrics.defects.length,
      defectDensityPerKloc: metrics.defectDensityPerKloc,
      yield: metrics.phaseYield.process ?? 1,
    });
    return { ...metrics, proposal };
  },
});
