import { z } from "zod";
import { taskSchema } from "./task.ts";
import { findingSchema } from "./review.ts";
import { failingTestSchema } from "./file-job.ts";
import { repositorySchema } from "./repository.ts";

/** Feedback a failed gate sends back to an earlier stage. */
export const feedbackSchema = z.object({
  fromStage: z.string(),
  round: z.number().int().positive(),
  summary: z.string(),
  findings: z.array(findingSchema.extend({ reviewer: z.string().optional(), id: z.string().optional() })),
  /** Files the feedback implicates: only these are regenerated. Empty means "not file specific". */
  files: z.array(z.string()),
  /** A test gate's failing tests as the report structured them (name, message, file:line), for the writers. */
  failures: z.array(failingTestSchema).optional(),
});
export type Feedback = z.infer<typeof feedbackSchema>;

/**
 * What every stage receives. Outputs of earlier stages sit under their `output` keys, so a plug-in
 * stage reads what it needs by name and the orchestrator needs no code for it.
 */
export const stageInputSchema = z
  .object({
    runId: z.string(),
    task: taskSchema,
    stage: z.string(),
    round: z.number().int().positive(),
    feedback: feedbackSchema.optional(),
    reviewers: z.array(z.string()).default([]),
  })
  .catchall(z.unknown());
export type StageInput = z.infer<typeof stageInputSchema>;

export const runStatusSchema = z.enum(["running", "waiting", "passed", "failed", "error"]);

export const stageRecordSchema = z.object({
  stage: z.string(),
  round: z.number().int().positive(),
  status: z.enum(["running", "completed", "failed"]),
  verdict: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
});

/** The run's state machine, kept in the runs KV bucket so a restarted orchestrator resumes. */
export const runStateSchema = z.object({
  runId: z.string(),
  task: taskSchema,
  pipeline: z.string(),
  status: runStatusSchema,
  stageIndex: z.number().int().nonnegative(),
  rounds: z.record(z.string(), z.number().int().nonnegative()),
  /** Per gate, how many times it failed: its own loop's rounds (a run stored before this field has none). */
  gateFailures: z.record(z.string(), z.number().int().nonnegative()).default({}),
  outputs: z.record(z.string(), z.unknown()),
  feedback: feedbackSchema.optional(),
  /** The stage the pending feedback is for: only that stage receives it. */
  feedbackFor: z.string().optional(),
  history: z.array(stageRecordSchema),
  reason: z.string().optional(),
  budgetUsd: z.number().positive().optional(),
  /** Set while the run waits for a human at a gate. */
  waiting: z.object({ stage: z.string(), round: z.number().int().positive(), since: z.string(), deadline: z.string() }).optional(),
  startedAt: z.string(),
  updatedAt: z.string(),
});
export type RunState = z.infer<typeof runStateSchema>;

/** The orchestrator's job: start (or resume) one run. */
export const runRequestSchema = z.object({
  runId: z.string().regex(/^[A-Za-z0-9_-]+$/),
  task: taskSchema,
  pipeline: z.string().default("default"),
  budgetUsd: z.number().positive().optional(),
  /** A change request on an existing repository (`asp run --repo`): its files are the base of the run. */
  repository: repositorySchema.optional(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

export const runSummarySchema = z.object({
  runId: z.string(),
  status: runStatusSchema,
  reason: z.string().optional(),
  stages: z.array(stageRecordSchema),
  costUsd: z.number().nonnegative(),
  durationMs: z.number().nonnegative(),
  files: z.number().int().nonnegative(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/** A human decision at a gate, sent to `<ns>.control.<runId>.approve|reject`. */
export const gateDecisionRequestSchema = z.object({
  gate: z.string().min(1),
  note: z.string().max(2000).optional(),
  decidedBy: z.string().min(1).max(200).default("cli"),
});
export type GateDecisionRequest = z.infer<typeof gateDecisionRequestSchema>;

export const gateDecisionReplySchema = z.union([
  z.object({ ok: z.literal(true), runId: z.string(), gate: z.string(), decision: z.enum(["approve", "reject"]) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type GateDecisionReply = z.infer<typeof gateDecisionReplySchema>;
