import { z } from "zod";
import { runStatusSchema, runSummarySchema } from "../run.ts";
import { taskSchema } from "../task.ts";
import { eventEntry } from "./event-entry.ts";

const budgetSchema = z.number().positive().nullable().describe("the run's budget in dollars; null when it has none");

/** A run's life as the orchestrator records it (agents/orchestrator/agent.ts). */
export const runEvents = {
  "run.started": eventEntry({
    description: "The orchestrator took a new run and saved its initial state.",
    emittedBy: "orchestrator",
    data: z.object({
      task: taskSchema.describe("the task, as submitted"),
      pipeline: z.string().describe("the pipeline's name"),
      stages: z.array(z.string()).describe("the pipeline's stage ids, in order"),
      budgetUsd: budgetSchema,
    }),
  }),
  "run.resumed": eventEntry({
    description: "A redelivered run job (after a restart or a bus failure) picked the run up from its saved state.",
    emittedBy: "orchestrator",
    data: z.object({
      stageIndex: z.number().int().nonnegative().describe("the stage the saved state points at"),
      status: runStatusSchema,
      attempt: z.number().int().positive().optional().describe("the run's current attempt (decision 1180); absent in events stored before resumes"),
    }),
  }),
  "run.attempt_started": eventEntry({
    description: "`asp resume` started a new attempt of an ended run; llm.call events after it count for this attempt.",
    emittedBy: "orchestrator",
    data: z.object({
      attempt: z.number().int().min(2),
      from: z.string().describe("the stage the attempt starts at"),
      previousStatus: runStatusSchema.describe("how the attempt before ended"),
      previousReason: z.string().nullable(),
      budgetUsd: budgetSchema,
      rounds: z.number().int().positive().nullable().describe("extra rounds granted to the failed gate"),
      spentUsd: z.number().nonnegative().describe("what the earlier attempts cost"),
    }),
  }),
  "run.budget_exceeded": eventEntry({
    description: "A stage stopped because the next model call would pass the run's budget; later stages are skipped.",
    emittedBy: "orchestrator",
    data: z.object({
      stage: z.string(),
      round: z.number().int().positive(),
      reason: z.string(),
      budgetUsd: budgetSchema,
      spentUsd: z
        .number()
        .nonnegative()
        .optional()
        .describe("the sum of the run's llm.call costs; absent when the events could not be read, and in events stored before it existed"),
    }),
  }),
  "run.completed": eventEntry({
    description: "The run passed. The data is the run summary (the orchestrator job's result).",
    emittedBy: "orchestrator",
    data: runSummarySchema,
  }),
  "run.failed": eventEntry({
    description: "The run failed or errored (`status` says which). The data is the run summary.",
    emittedBy: "orchestrator",
    data: runSummarySchema,
  }),
};
