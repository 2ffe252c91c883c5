import { z } from "zod";
import { manifestLanguageSchema } from "./manifest.ts";

/** What a user asks for. Comes from a YAML/JSON file, a string, or a scenario's `task`. */
export const taskSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/).optional(),
  title: z.string().min(1),
  description: z.string().min(1),
  requirements: z.array(z.string().min(1)).default([]),
  language: manifestLanguageSchema.optional(),
  budgetUsd: z.number().positive().optional(),
});
export type Task = z.infer<typeof taskSchema>;
