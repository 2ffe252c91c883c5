import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { namedExports } from "../../bus/commonjs-exports.ts";
import { ConfigError } from "../../errors/index.ts";
import { pipelineSchema, type Pipeline } from "../../schemas/pipeline.ts";
import { unknownStageAgents } from "./pipeline-agents.ts";

export const defaultPipelinesDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../pipelines");

export interface LoadPipelineOptions {
  /** The built-in agents (agents/registry.ts); when given, a stage must name one of them or a declared plug-in. */
  registeredAgents?: readonly string[];
}

/** Reads `<name>.yaml` from the pipelines folder (or a path), validated, with errors that name the file. */
export async function loadPipeline(nameOrPath: string, directory = defaultPipelinesDirectory, options: LoadPipelineOptions = {}): Promise<Pipeline> {
  const file = /[\\/]|\.ya?ml$/.test(nameOrPath) ? path.resolve(nameOrPath) : path.join(directory, `${nameOrPath}.yaml`);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(`pipeline "${nameOrPath}" not found (looked for ${file})`, { cause: error });
  }
  // Imported here, not at the top: of an agent process only the orchestrator reads YAML (decision 1414).
  const { parse } = await namedExports(import("yaml"));
  const parsed = pipelineSchema.safeParse(parse(text));
  if (!parsed.success) {
    throw new ConfigError(`pipeline file ${file} is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ")}`);
  }
  if (options.registeredAgents) {
    const problems = unknownStageAgents(parsed.data, options.registeredAgents);
    if (problems.length > 0) throw new ConfigError(`pipeline file ${file} is invalid: ${problems.join("; ")}`);
  }
  return parsed.data;
}
