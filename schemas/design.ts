import { z } from "zod";

const identifier = z.string().regex(/^[A-Za-z0-9_-]+$/, "ids are letters, digits, '-' or '_'");

export const apiContractSchema = z.object({
  name: z.string().min(1),
  signature: z.string().min(1).describe("function signature, HTTP method and path, or CLI usage"),
  description: z.string().min(1),
  inputs: z.array(z.string()).default([]),
  outputs: z.array(z.string()).default([]),
  errors: z.array(z.string()).default([]),
  schemas: z.array(z.string()).default([]).describe("names of data schemas this contract reads or returns"),
});

export const dataSchemaSchema = z.object({
  name: z.string().min(1),
  description: z.string().min(1),
  fields: z.array(z.object({ name: z.string().min(1), type: z.string().min(1), required: z.boolean().default(true) })).default([]),
});

export const componentSchema = z.object({
  id: identifier,
  name: z.string().min(1),
  responsibility: z.string().min(1),
  unitIds: z.array(identifier).min(1),
  interfaces: z.array(z.string()).default([]).describe("names of API contracts this component provides"),
  dependsOn: z.array(identifier).default([]).describe("ids of components this one uses"),
});

/** The registries a package can come from. */
export const packageEcosystemSchema = z.enum(["pypi", "npm", "go", "crates", "maven"]);

/** A third-party package of the technology stack: what goes into requirements.txt, package.json, go.mod, Cargo.toml or pom.xml. */
export const designPackageSchema = z.object({
  name: z.string().min(1).describe("the name in its registry, e.g. fastapi, vitest, github.com/spf13/cobra, serde"),
  version: z.string().min(1).describe("a pinned or bounded version, e.g. >=0.115,<1.0, ^4.0.0, v1.8.0"),
  ecosystem: packageEcosystemSchema,
  dev: z.boolean().optional().describe("true for a package only the tests or the build need (devDependencies, test scope)"),
  purpose: z.string().min(1),
});
export type DesignPackage = z.infer<typeof designPackageSchema>;

/** The design model's tool input, and the design as the rest of the pipeline sees it. */
export const designSchema = z.object({
  overview: z.string().min(1),
  technologyStack: z.array(z.string()).min(1),
  /**
   * A sibling of technologyStack, so the stack stays a list of names and every existing design still parses
   * (PLAN contract 4). Optional rather than defaulted, so Design literals written before it still type-check.
   */
  packages: z.array(designPackageSchema).optional().describe("every third-party package the project installs, with a pinned or bounded version; empty for a standard-library-only project"),
  apiContracts: z.array(apiContractSchema).min(1),
  dataSchemas: z.array(dataSchemaSchema).default([]),
  components: z.array(componentSchema).min(1),
  reviewChecklist: z.array(z.string()).min(1),
});
export type Design = z.infer<typeof designSchema>;
export type Component = z.infer<typeof componentSchema>;
