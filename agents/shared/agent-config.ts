import { statSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "../../errors/index.ts";

/** What a pipeline agent process reads from its environment, besides the model layer's own config. */
export interface AgentConfig {
  /** The prompts folder (ASP_PROMPTS_DIR); undefined means the bundled prompts/. */
  readonly promptsDirectory: string | undefined;
}

/**
 * Read once per process. ASP_PROMPTS_DIR points the agents at a copy of prompts/, so a negative control
 * can run a scenario with one placeholder taken out of a prompt (decision 1105). A folder that does not
 * exist is refused at start-up, naming the variable, rather than at the first prompt of the first job.
 */
export function readAgentConfig(env: Record<string, string | undefined>): AgentConfig {
  const raw = env["ASP_PROMPTS_DIR"]?.trim();
  if (!raw) return Object.freeze({ promptsDirectory: undefined });
  const directory = path.resolve(raw);
  let isDirectory = false;
  try {
    isDirectory = statSync(directory).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) {
    throw new ConfigError(`ASP_PROMPTS_DIR must name a folder of prompts; "${raw}" is not a folder`, { details: { variable: "ASP_PROMPTS_DIR" } });
  }
  return Object.freeze({ promptsDirectory: directory });
}
