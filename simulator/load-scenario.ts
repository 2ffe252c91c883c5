import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../errors/index.ts";
import { scenarioSchema, type Scenario, type ScenarioInput } from "./scenario-schema.ts";

/** Validates a scenario object; the error lists every bad field by its path. */
export function parseScenario(input: unknown, source = "scenario"): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`);
  throw new ConfigError(`${source} is not a valid scenario:\n${problems.join("\n")}`, {
    details: { source, issues: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) },
  });
}

/** Reads a .yaml, .yml or .json scenario file and validates it. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  const extension = extname(path).toLowerCase();
  if (![".yaml", ".yml", ".json"].includes(extension)) {
    throw new ConfigError(`scenario file ${path} must end in .yaml, .yml or .json (got "${extension || "no extension"}")`, {
      details: { path },
    });
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read scenario file ${path}: ${(error as Error).message}`, { cause: error, details: { path } });
  }
  let data: unknown;
  try {
    data = extension === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const format = extension === ".json" ? "JSON" : "YAML";
    throw new ConfigError(`scenario file ${path} is not valid ${format}: ${(error as Error).message}`, {
      cause: error,
      details: { path },
    });
  }
  if (data === null || data === undefined) {
    throw new ConfigError(`scenario file ${path} is empty`, { details: { path } });
  }
  return parseScenario(data, `scenario file ${path}`);
}

/** Accepts either form the options allow: an object (validated here) or a file path. */
export async function resolveScenario(scenario: ScenarioInput | string): Promise<Scenario> {
  return typeof scenario === "string" ? loadScenarioFile(scenario) : parseScenario(scenario);
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return "(root)";
  return path.map((part) => (typeof part === "number" ? `[${part}]` : String(part))).join(".").replaceAll(".[", "[");
}
