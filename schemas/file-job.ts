import { z } from "zod";
import { manifestEntrySchema } from "./manifest.ts";

/** One file for the writer pool. The shared context is identical for every file of a round, so it caches. */
export const fileJobSchema = z.object({
  path: z.string().min(1),
  round: z.number().int().positive(),
  entry: manifestEntrySchema,
  sharedContext: z.string().min(1).describe("design and manifest, rendered once per round"),
  feedback: z.string().optional().describe("review findings or test failures that name this file"),
  previousContent: z.string().optional(),
});
export type FileJob = z.infer<typeof fileJobSchema>;

/** The writer's reply travels as raw bytes; this is the metadata carried in headers. */
export const fileResultHeadersSchema = z.object({
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.string().regex(/^\d+$/),
  writer: z.string().min(1),
  continuations: z.string().regex(/^\d+$/),
});
export type FileResultHeaders = z.infer<typeof fileResultHeadersSchema>;

export const generatedFileSchema = z.object({
  path: z.string(),
  type: z.string(),
  bytes: z.number().int().nonnegative(),
  lines: z.number().int().nonnegative(),
  sha256: z.string(),
  round: z.number().int().positive(),
  writer: z.string(),
  artifact: z.string().describe("object name in the artifacts store"),
});
export type GeneratedFile = z.infer<typeof generatedFileSchema>;

/** What the Code agent returns: where every file of the project is, not the bytes themselves. */
export const codeResultSchema = z.object({
  manifest: z.object({ language: z.string(), files: z.array(manifestEntrySchema) }),
  files: z.array(generatedFileSchema),
  round: z.number().int().positive(),
  regenerated: z.array(z.string()),
  warnings: z.array(z.string()).default([]),
});
export type CodeResult = z.infer<typeof codeResultSchema>;
