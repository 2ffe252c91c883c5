import { z } from "zod";
import { changeSizeSchema, lineCountsSchema } from "./change-size.ts";
import { defectTypeSchema, severitySchema } from "./review.ts";

/** The only part of the postmortem a model writes. */
export const improvementProposalSchema = z.object({
  summary: z.string().min(1),
  proposals: z
    .array(z.object({ phase: z.string().min(1), problem: z.string().min(1), change: z.string().min(1), expectedBenefit: z.string().min(1) }))
    .min(1),
});
export type ImprovementProposal = z.infer<typeof improvementProposalSchema>;

export const defectSchema = z.object({
  id: z.string(),
  description: z.string(),
  severity: severitySchema,
  type: defectTypeSchema,
  injectedIn: z.string(),
  removedIn: z.string(),
  file: z.string().optional(),
  source: z.string().describe("reviewer or check that found it"),
  /** The gate's id for the finding (DR-<n>, CR-<n>), when it gave one. */
  findingId: z.string().optional(),
  /** The gate rounds that raised it: one defect however often it came back. */
  rounds: z.array(z.number().int().positive()).optional(),
});
export type Defect = z.infer<typeof defectSchema>;

const usageTotalsSchema = z.object({
  calls: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  /** Present (true) when a call's model had no price, so costUsd holds default-price estimates. */
  costEstimated: z.literal(true).optional(),
});
export type UsageTotals = z.infer<typeof usageTotalsSchema>;

const plannedActualSchema = z.object({ planned: z.number().nullable(), actual: z.number() });

/** Every figure here is computed in code from the run's events; only `proposal` comes from a model. */
export const postmortemSchema = z.object({
  runId: z.string(),
  outcome: z.string(),
  totals: usageTotalsSchema,
  plannedVersusActual: z.object({
    tokens: plannedActualSchema,
    costUsd: plannedActualSchema,
    durationMs: plannedActualSchema,
    files: plannedActualSchema,
    lines: plannedActualSchema,
  }),
  estimatedComplexity: z.number(),
  defects: z.array(defectSchema),
  defectDensityPerKloc: z.number().nonnegative(),
  phaseYield: z.record(z.string(), z.number()),
  costOfQuality: z.object({ reviewShare: z.number(), failureShare: z.number(), reviewUsd: z.number(), failureUsd: z.number() }),
  costByAgent: z.record(z.string(), usageTotalsSchema),
  costByFile: z.record(z.string(), usageTotalsSchema),
  timeByStageMs: z.record(z.string(), z.number()),
  gateDecisions: z.array(z.object({ stage: z.string(), round: z.number(), verdict: z.string(), decidedBy: z.string() })),
  /** Every attempt of the run (one more per `asp resume`): its model calls and their cost (decision 1180). */
  attempts: z.array(z.object({ attempt: z.number().int().positive(), calls: z.number().int().nonnegative(), costUsd: z.number().nonnegative() })).optional(),
  /** A change request's PSP size (decision 1202): base, added, modified and deleted lines, planned and actual. */
  changeSize: z.object({ planned: lineCountsSchema, actual: lineCountsSchema, files: changeSizeSchema.shape.files }).optional(),
  proposal: improvementProposalSchema.nullable(),
});
export type Postmortem = z.infer<typeof postmortemSchema>;

/** One line of the run history that PROBE learns from. */
export const historyRecordSchema = z.object({
  runId: z.string(),
  finishedAt: z.string(),
  outcome: z.string(),
  estimatedComplexity: z.number(),
  actualTokens: z.number(),
  actualCostUsd: z.number(),
  actualDurationMs: z.number(),
  files: z.number(),
  lines: z.number(),
  defects: z.number(),
  defectDensityPerKloc: z.number(),
  yield: z.number(),
});
export type HistoryRecord = z.infer<typeof historyRecordSchema>;
