import { z } from "zod";
import { eventEntry } from "./event-entry.ts";

const stageIdSchema = z.string().describe("the pipeline stage id");
const roundSchema = z.number().int().positive().describe("the stage's round, from 1; a gate loop raises it");

/** Each stage of the pipeline, as the orchestrator runs it. */
export const stageEvents = {
  "stage.started": eventEntry({
    description: "The orchestrator sent the stage's job.",
    emittedBy: "orchestrator",
    data: z.object({
      stage: stageIdSchema,
      agent: z.string().describe("the agent the job went to"),
      round: roundSchema,
      resumed: z.boolean().describe("true when the stage was already running before a restart"),
    }),
  }),
  "stage.completed": eventEntry({
    description: "The stage's agent answered; a gate stage's verdict follows as gate.verdict.",
    emittedBy: "orchestrator",
    data: z.object({
      stage: stageIdSchema,
      round: roundSchema,
      durationMs: z.number().nonnegative().describe("from the job's request to its answer (the postmortem's time per phase)"),
      verdict: z.string().nullable().describe("the gate's verdict; null for a stage without a gate"),
    }),
  }),
  "stage.waiting": eventEntry({
    description: "The stage's agent has no live instance: the stage waits for one (agents/orchestrator/stage-presence.ts).",
    emittedBy: "orchestrator",
    data: z.object({
      stage: stageIdSchema,
      agent: z.string().describe("the agent the stage waits for"),
      round: roundSchema,
      reason: z.string().describe('what watch and submit show, e.g. "waiting for agent linter: none running"'),
    }),
  }),
  "stage.agent_available": eventEntry({
    description: "An instance of the agent a stage.waiting named is running now.",
    emittedBy: "orchestrator",
    data: z.object({ stage: stageIdSchema, agent: z.string(), round: roundSchema, instances: z.number().int().positive().describe("live instances found") }),
  }),
  "stage.failed": eventEntry({
    description: "The stage's job failed (or hit the budget); the run fails with this error.",
    emittedBy: "orchestrator",
    data: z.object({ stage: stageIdSchema, round: roundSchema, error: z.string(), durationMs: z.number().nonnegative() }),
  }),
};
