import { z } from "zod";

export const fileTypeSchema = z.enum(["source", "test", "config", "doc"]);

export const manifestEntrySchema = z.object({
  path: z.string().min(1).max(240),
  type: fileTypeSchema,
  purpose: z.string().min(1),
  unitId: z.string().min(1),
  componentId: z.string().min(1),
  estimatedLines: z.number().int().positive().max(5000),
  dependsOn: z.array(z.string()).default([]).describe("paths of other manifest files this file imports or needs"),
});
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

/** The project's main language (PLAN contract 4); dependency files (requirements.txt, package.json, go.mod, ...) are ordinary `config` entries. */
export const manifestLanguageSchema = z.enum(["python", "javascript", "typescript", "go", "rust", "java", "cpp"]);

/** The Code agent's only structured model output: small, and never containing source code. */
export const manifestSchema = z.object({
  language: manifestLanguageSchema,
  files: z.array(manifestEntrySchema).min(1).max(200),
});
export type Manifest = z.infer<typeof manifestSchema>;
