import { z } from "zod";

export const fileTypeSchema = z.enum(["source", "test", "config", "doc"]);

export const manifestEntrySchema = z.object({
  path: z.string().min(1).max(240),
  type: fileTypeSchema,
  purpose: z.string().min(1),
  unitId: z.string().min(1),
  componentId: z.string().min(1),
  estimatedLines: z
    .number()
    .int()
    .nonnegative()
    .max(5000)
    .describe("0 declares a file that is empty on purpose (an __init__.py marker, .gitkeep): it is written empty, with no model call"),
  dependsOn: z.array(z.string()).default([]).describe("paths of other manifest files this file imports or needs"),
});
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

/** The project's main language (PLAN contract 4); a project may hold files of others too (a package.json beside Python). */
export const manifestLanguageSchema = z.enum(["python", "javascript", "typescript", "go", "rust", "java", "cpp"]);

/**
 * The Code agent's only structured model output: small, and never containing source code. Dependency
 * files (requirements.txt, package.json, go.mod, Cargo.toml, pom.xml, CMakeLists.txt) are ordinary `config` entries.
 */
export const manifestSchema = z.object({
  language: manifestLanguageSchema,
  files: z.array(manifestEntrySchema).min(1).max(200),
});
export type Manifest = z.infer<typeof manifestSchema>;
