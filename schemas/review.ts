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
});
export type Finding = z.infer<typeof findingSchema>;

/** What a specialist reviewer model returns. */
export const reviewerReplySchema = z.object({
  summary: z.string(),
  findings: z.array(findingSchema),
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

export const reviewSchema = z.object({
  verdict: z.string(),
  summary: z.string(),
  findings: z.array(findingSchema.extend({ reviewer: z.string() })),
  reviewers: z.array(reviewerOutcomeSchema),
});
export type Review = z.infer<typeof reviewSchema>;
