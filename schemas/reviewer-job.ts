import { z } from "zod";
import { taskSchema } from "./task.ts";
import { planSchema } from "./plan.ts";
import { designSchema } from "./design.ts";
import { severitySchema } from "./review.ts";

/** A file as reviewers see it. Code travels inside JSON here only because code (not a model) encodes it. */
export const reviewedFileSchema = z.object({ path: z.string(), type: z.string(), content: z.string() });

/** A finding of the gate's previous round, as the next round's reviewers see it: they say which are resolved. */
export const previousFindingSchema = z.object({
  id: z.string(),
  severity: severitySchema,
  description: z.string(),
  reviewer: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
  componentId: z.string().optional(),
});
export type PreviousFinding = z.infer<typeof previousFindingSchema>;

/**
 * The job every reviewer takes, built-in specialist or plug-in: the gate fans it out by subject
 * (`<ns>.jobs.<reviewer>`), so a new reviewer is one more subject, not a change to the gate.
 */
export const reviewerJobSchema = z.object({
  gate: z.enum(["design-review", "code-review"]),
  specialty: z.string(),
  task: taskSchema,
  plan: planSchema.optional(),
  design: designSchema.optional(),
  files: z.array(reviewedFileSchema).optional(),
  /** The gate's findings from its previous round (empty in round 1). */
  previousFindings: z.array(previousFindingSchema).default([]),
});
export type ReviewerJob = z.infer<typeof reviewerJobSchema>;

/**
 * The reviewers every gate consults, each on its own subject `review-<specialty>`. Here, beside the job they
 * take, because the gates and the reviewers' registration both need the names, and agents never import each other.
 */
export const builtInSpecialties = ["security", "maintainability", "architecture"] as const;
export const reviewerAgentName = (specialty: string): string => `review-${specialty}`;
export const builtInReviewerAgents: string[] = builtInSpecialties.map(reviewerAgentName);
