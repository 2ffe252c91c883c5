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
    /** The round of this stage that an earlier attempt left failed; its stored work may be reused (decision 1180). */
    resumeRound: z.number().int().positive().optional(),
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
  /** The attempt of the run this record belongs to (absent: the first). */
  attempt: z.number().int().positive().optional(),
});

/** One attempt of a run: the first, and one more for every `asp resume` (decision 1180). */
export const runAttemptSchema = z.object({
  attempt: z.number().int().positive(),
  /** The stage the attempt started at. */
  from: z.string(),
  startedAt: z.string(),
  budgetUsd: z.number().positive().optional(),
  /** How the attempt before this one ended. */
  previousStatus: runStatusSchema.optional(),
  previousReason: z.string().optional(),
});
export type RunAttempt = z.infer<typeof runAttemptSchema>;

/** What `asp resume` asks of the orchestrator. */
export const resumeOptionsSchema = z.object({
  /** The new attempt's number: one more than the stored state's. A redelivered request finds it applied already. */
  attempt: z.number().int().min(2),
  from: z.string().min(1).optional(),
  rounds: z.number().int().positive().optional(),
  budgetUsd: z.number().positive().optional(),
});
export type ResumeOptions = z.infer<typeof resumeOptionsSchema>;

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
  /** The current attempt (absent: the first); `attempts` lists the resumed ones' details. */
  attempt: z.number().int().positive().optional(),
  attempts: z.array(runAttemptSchema).optional(),
  /** Per gate, rounds granted beyond the pipeline's maxRounds by a resume. */
  extraRounds: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** A stage the previous attempt left failed: its next round may reuse what that round stored. */
  reuse: z.object({ stage: z.string(), round: z.number().int().positive() }).optional(),
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
  /** Present when the request continues a run that has ended (`asp resume`). */
  resume: resumeOptionsSchema.optional(),
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
  /** The attempt that ended, and what each attempt cost (present once a run was resumed). */
  attempt: z.number().int().positive().optional(),
  costByAttempt: z.array(z.object({ attempt: z.number().int().positive(), calls: z.number().int().nonnegative(), costUsd: z.number().nonnegative() })).optional(),
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
