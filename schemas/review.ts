import { z } from "zod";

export const severitySchema = z.enum(["critical", "high", "medium", "low", "info"]);
export type Severity = z.infer<typeof severitySchema>;

/** PSP defect types (Humphrey's standard list). */
export const defectTypeSchema = z.enum([
  "documentation", "syntax", "build", "assignment", "interface", "checking", "data", "function", "system", "environment",
]);
export type DefectType = z.infer<typeof defectTypeSchema>;

/** One finding as a reviewer (model, automated check or plug-in) reports it. */
export const findingSchema = z.object({
  severity: severitySchema,
  category: z.string().min(1),
  description: z.string().min(1),
  recommendation: z.string().default(""),
  defectType: defectTypeSchema.default("function"),
  /** Which artefact is at fault: a design finding may really be a planning defect. */
  target: z.enum(["plan", "design", "code", "test"]).default("design"),
  componentId: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
  /**
   * What makes a high or critical finding more than an opinion: the requirement it breaks (quoted) or a
   * concrete failure (an input and its wrong result, a failing test). Without it the gate counts the finding as medium.
   */
  evidence: z.string().optional(),
});
export type Finding = z.infer<typeof findingSchema>;

/** What a specialist reviewer model returns. */
export const reviewerReplySchema = z.object({
  summary: z.string(),
  findings: z.array(findingSchema),
  /** Ids of the previous round's findings that this review finds resolved. */
  resolved: z.array(z.string()).default([]),
});
export type ReviewerReply = z.infer<typeof reviewerReplySchema>;

export const reviewerOutcomeSchema = z.object({
  reviewer: z.string(),
  status: z.enum(["ok", "error"]),
  findings: z.number().int().nonnegative(),
  error: z.string().optional(),
});

export const designVerdictSchema = z.enum(["PASS", "NEEDS_IMPROVEMENT", "FAIL"]);
export const codeVerdictSchema = z.enum(["PASS", "CONDITIONAL_PASS", "FAIL"]);

/** A finding as a gate reports it: who raised it, its id across rounds, and whether the evidence rule lowered it. */
export const gateFindingSchema = findingSchema.extend({
  reviewer: z.string(),
  /** `DR-<n>` (design review) or `CR-<n>` (code review); the same finding raised again keeps its id. */
  id: z.string().optional(),
  /** The severity the reviewer gave a high or critical finding that cited no evidence. */
  downgradedFrom: severitySchema.optional(),
});
export type GateFinding = z.infer<typeof gateFindingSchema>;

export const reviewSchema = z.object({
  verdict: z.string(),
  summary: z.string(),
  findings: z.array(gateFindingSchema),
  /** Ids of the previous round's findings that a reviewer found resolved and no reviewer raised again. */
  resolved: z.array(z.string()).default([]),
  reviewers: z.array(reviewerOutcomeSchema),
});
export type Review = z.infer<typeof reviewSchema>;
