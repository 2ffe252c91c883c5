import { z } from "zod";
import { eventEntry } from "./event-entry.ts";

/** The error as it travels on the wire (errors/asp-error.ts serializeError). */
const serializedErrorSchema = z.object({
  name: z.string().describe("the error class, e.g. ValidationError"),
  code: z.string().describe("the stable error code, e.g. validation_failed"),
  message: z.string(),
  retryable: z.boolean().describe("true when the job is redelivered rather than dead-lettered"),
  details: z.record(z.string(), z.unknown()).optional(),
});

const failureStageSchema = z.string().describe("where the job failed: headers, decode, handle, encode, or delivery (workers gone)");

/** Lifecycle of one job, published by the runtime (bus/job-processor.ts) around every handler. */
export const jobEvents = {
  "job.started": eventEntry({
    description: "A worker took the job and is running its handler.",
    emittedBy: "runtime (bus/job-processor.ts)",
    data: z.object({ instance: z.string().describe("the replica running the job") }),
  }),
  "job.completed": eventEntry({
    description: "The job's result is stored (published after the ack, best effort).",
    emittedBy: "runtime (bus/job-processor.ts)",
    data: z.object({ durationMs: z.number().nonnegative().describe("time in the handler, rounded") }),
  }),
  "job.failed": eventEntry({
    description: "The job failed; `final` false means it is redelivered after `retryInMs`.",
    emittedBy: "runtime (bus/job-processor.ts)",
    data: z.object({
      stage: failureStageSchema,
      reason: z.string().describe("the error message"),
      error: serializedErrorSchema,
      final: z.boolean().describe("true when no retry follows (a job whose input does not decode)"),
      retryInMs: z.number().nonnegative().optional().describe("delay before the redelivery"),
    }),
  }),
  "job.dead_letter": eventEntry({
    description: "The job will not be retried: its caller gets an error result with this reason.",
    emittedBy: "runtime (bus/job-processor.ts, bus/dead-letter-listener.ts)",
    data: z.object({
      stage: failureStageSchema,
      reason: z.string().describe("why, with how it ran out of attempts"),
      error: serializedErrorSchema.optional().describe("absent when the workers died on the last delivery"),
      attempts: z.number().int().positive().optional().describe("deliveries made"),
      sequence: z.number().int().nonnegative().optional().describe("jobs-stream sequence of a job without ids (run id `_unaddressable`)"),
    }),
  }),
  "job.cancelled": eventEntry({
    description: "The worker dropped a job its caller had given up, with no result.",
    emittedBy: "runtime (bus/job-processor.ts)",
    data: z.object({
      instance: z.string(),
      started: z.boolean().describe("false when it was dropped before its handler ran"),
      durationMs: z.number().nonnegative().optional(),
    }),
  }),
};
