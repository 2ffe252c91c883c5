import { z } from "zod";
import type { CatalogueEventType } from "./events/catalogue.ts";

/** The envelope of every lifecycle event on `<ns>.events.<runId>.<agent>.<event>`. */
export const eventSchema = z.object({
  id: z.string().min(1),
  runId: z.string().min(1),
  agent: z.string().min(1),
  type: z.string().min(1),
  time: z.string().datetime(),
  jobId: z.string().optional(),
  taskId: z.string().optional(),
  traceId: z.string().optional(),
  attempt: z.number().int().positive().optional(),
  instance: z.string().optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type AspEvent = z.infer<typeof eventSchema>;

/**
 * Names for the runtime's and the orchestrator's common event types. The full list, with each type's
 * data schema, is the event catalogue (schemas/events/); a type outside it is refused when emitted.
 */
export const eventTypes = {
  jobStarted: "job.started",
  jobCompleted: "job.completed",
  jobFailed: "job.failed",
  jobDeadLetter: "job.dead_letter",
  llmCall: "llm.call",
  progress: "progress",
  fileWritten: "file.written",
  gateVerdict: "gate.verdict",
  runStarted: "run.started",
  runCompleted: "run.completed",
  runFailed: "run.failed",
  stageStarted: "stage.started",
  stageCompleted: "stage.completed",
} as const satisfies Record<string, CatalogueEventType>;
