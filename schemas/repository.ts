import { z } from "zod";

/** One text file of the repository a change request works on, as the run's base (stored as an artifact). */
export const repositoryFileSchema = z.object({
  path: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  lines: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  artifact: z.string().min(1).describe("object name in the artifacts store"),
});
export type RepositoryFile = z.infer<typeof repositoryFileSchema>;

/** A file as planning and design see it: its size, its language and what it offers to the rest. */
export const repositoryMapFileSchema = z.object({
  path: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  lines: z.number().int().nonnegative(),
  language: z.string().optional(),
  symbols: z.array(z.string()).default([]).describe("public symbols from the language's own parser, with signatures where it gives them"),
  note: z.string().optional().describe("why symbols are missing: a syntax error, no parser for the language"),
});
export type RepositoryMapFile = z.infer<typeof repositoryMapFileSchema>;

export const repositoryMapSchema = z.object({
  files: z.array(repositoryMapFileSchema),
  tests: z.object({
    files: z.array(z.string()),
    runners: z.array(z.object({ id: z.string(), language: z.string() })).describe("the test agent's runners that apply to the repository"),
  }),
});
export type RepositoryMap = z.infer<typeof repositoryMapSchema>;

/** The existing repository of a change request (`asp run --repo`): the base of the run. */
export const repositorySchema = z.object({
  name: z.string().min(1),
  root: z.string().min(1).optional().describe("the repository's folder on the machine that started the run: where asp resume commits the result"),
  head: z.string().regex(/^[0-9a-f]{40,64}$/).describe("the commit the run starts from"),
  files: z.array(repositoryFileSchema),
  map: repositoryMapSchema,
});
export type Repository = z.infer<typeof repositorySchema>;
