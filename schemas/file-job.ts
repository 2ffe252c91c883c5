import { z } from "zod";
import { changeSizeSchema } from "./change-size.ts";
import { designPackageSchema } from "./design.ts";
import { manifestEntrySchema, manifestLanguageSchema } from "./manifest.ts";
import { testFailureSchema } from "./test-report.ts";

/** The current content of a file another one depends on: this round's new version, or the previous round's. */
export const dependencyFileSchema = z.object({ path: z.string().min(1), content: z.string() });
export type DependencyFile = z.infer<typeof dependencyFileSchema>;

/** A failing test as the test report gives it, for the writers of a repair round: the report's own schema. */
export const failingTestSchema = testFailureSchema;
export type FailingTest = z.infer<typeof failingTestSchema>;

/**
 * One file for the writer pool. The shared context is identical for every file of a round, so it caches;
 * everything particular to this file travels in its own field, so the writer's prompt can show (or, for
 * a negative control, leave out) each piece on its own.
 */
export const fileJobSchema = z.object({
  path: z.string().min(1),
  round: z.number().int().positive(),
  entry: manifestEntrySchema,
  language: manifestLanguageSchema.optional().describe("the project's main language, from the manifest"),
  sharedContext: z.string().min(1).describe("requirements, design and manifest, rendered once per round"),
  feedback: z.string().optional().describe("review findings and build errors that name this file"),
  failingTests: z.array(failingTestSchema).optional().describe("failing tests of the last test run that concern this file"),
  previousContent: z.string().optional(),
  currentContent: z.string().optional().describe("for a modify entry: the file's content in the repository (or this run's latest version)"),
  rejectedEdits: z.string().optional().describe("why the previous reply's search/replace edits were refused, for the retry"),
  dependencyFiles: z.array(dependencyFileSchema).optional().describe("current content of the files this one depends on"),
  packages: z.array(designPackageSchema).optional().describe("for a dependency file: the design's packages it must declare"),
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
  /** For a change request (`asp run --repo`): base, added, modified and deleted lines against the repository. */
  changes: changeSizeSchema.optional(),
  /** The repository files the manifest deletes: absent from `files`, listed so the branch commit removes them. */
  deleted: z.array(z.string()).optional(),
});
export type CodeResult = z.infer<typeof codeResultSchema>;
