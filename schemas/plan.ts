import { z } from "zod";

const factor = z.number().int().min(0).max(10);

/** One semantic unit as the model scores it. Complexity is never taken from the model. */
export const semanticUnitDraftSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/, "unit ids are letters, digits, '-' or '_'"),
  name: z.string().min(1),
  description: z.string().min(1),
  api_interactions: factor,
  data_transformations: factor,
  logical_branches: factor,
  code_entities_modified: factor,
  novelty: z.union([z.literal(1), z.literal(1.5), z.literal(2)]),
});
export type SemanticUnitDraft = z.infer<typeof semanticUnitDraftSchema>;

/** The planning model's tool input. */
export const planDraftSchema = z.object({
  summary: z.string().min(1),
  units: z.array(semanticUnitDraftSchema).min(1),
});
export type PlanDraft = z.infer<typeof planDraftSchema>;

export const semanticUnitSchema = semanticUnitDraftSchema.extend({
  complexity: z.number().int().nonnegative(),
});
export type SemanticUnit = z.infer<typeof semanticUnitSchema>;

export const regressionEstimateSchema = z.object({
  predicted: z.number(),
  lower: z.number(),
  upper: z.number(),
  rSquared: z.number(),
  slope: z.number(),
  intercept: z.number(),
});

/** PROBE: linear regression of actuals on estimated complexity, from 3 or more past runs. */
export const probeEstimateSchema = z.object({
  historyRuns: z.number().int().min(3),
  tokens: regressionEstimateSchema,
  costUsd: regressionEstimateSchema,
  durationMs: regressionEstimateSchema,
  confidence: z.number(),
});
export type ProbeEstimate = z.infer<typeof probeEstimateSchema>;

export const planSchema = z.object({
  summary: z.string(),
  units: z.array(semanticUnitSchema).min(1),
  totals: z.object({ units: z.number().int(), complexity: z.number().int() }),
  probe: probeEstimateSchema.optional(),
});
export type Plan = z.infer<typeof planSchema>;
