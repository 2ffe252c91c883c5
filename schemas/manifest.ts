import { z } from "zod";

export const fileTypeSchema = z.enum(["source", "test", "config", "doc"]);

/**
 * What an entry does to the project: a new file, a change to a file of the repository the run works on
 * (`asp run --repo`), or its removal. Left out it is create, so a manifest for a new project needs no action.
 */
export const manifestActionSchema = z.enum(["create", "modify", "delete"]);
export type ManifestAction = z.infer<typeof manifestActionSchema>;

/** An entry's action, create when it names none. */
export function actionOf(entry: { action?: ManifestAction | undefined }): ManifestAction {
  return entry.action ?? "create";
}

export const manifestEntrySchema = z.object({
  path: z.string().min(1).max(240),
  action: manifestActionSchema
    .optional()
    .describe("create a new file; modify or delete a file of the existing repository (a change request only)"),
  type: fileTypeSchema,
  purpose: z.string().min(1),
  unitId: z.string().min(1),
  componentId: z.string().min(1),
  estimatedLines: z
    .number()
    .int()
    .nonnegative()
    .max(5000)
    .describe(
      "create: the file's lines, 0 declaring a file empty on purpose (an __init__.py marker, .gitkeep), written with no model call; modify: the lines added or changed; delete: 0",
    ),
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
