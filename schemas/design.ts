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

/** The design model's tool input, and the design as the rest of the pipeline sees it. */
export const designSchema = z.object({
  overview: z.string().min(1),
  technologyStack: z.array(z.string()).min(1),
  apiContracts: z.array(apiContractSchema).min(1),
  dataSchemas: z.array(dataSchemaSchema).default([]),
  components: z.array(componentSchema).min(1),
  reviewChecklist: z.array(z.string()).min(1),
});
export type Design = z.infer<typeof designSchema>;
export type Component = z.infer<typeof componentSchema>;
