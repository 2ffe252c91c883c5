import { readFile } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
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

/** Reads a .yaml, .yml or .json scenario file (and the file it extends, if any) and validates it. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  return parseScenario(await readScenarioData(path, []), `scenario file ${path}`);
}

/**
 * The file's data with `extends: FILE` (a path relative to the file) resolved: the base's data with this
 * file's entries on top. Each key of `agents` and `files` replaces the base's entry of that key, and any
 * other top-level key replaces the base's, so a variant (examples/NAME/scenario.realistic.yaml) holds only
 * what differs from the happy path and follows the happy path when that changes.
 */
async function readScenarioData(path: string, chain: string[]): Promise<unknown> {
  if (chain.includes(resolve(path))) throw new ConfigError(`scenario file ${path} extends itself: ${[...chain, resolve(path)].join(" -> ")}`, { details: { path } });
  const data = await readScenarioFileData(path);
  // Anything but an object goes to the schema as it is, which names what is wrong with it.
  if (!isRecord(data) || data["extends"] === undefined) return data;
  const base = data["extends"];
  if (typeof base !== "string" || base.length === 0) throw new ConfigError(`scenario file ${path}: extends must name a scenario file`, { details: { path } });
  const { extends: _base, ...own } = data;
  const inherited = await readScenarioData(resolve(dirname(path), base), [...chain, resolve(path)]);
  if (!isRecord(inherited)) throw new ConfigError(`scenario file ${path} extends ${base}, which is not a scenario object`, { details: { path } });
  const merged: Record<string, unknown> = { ...inherited, ...own };
  for (const key of ["agents", "files"]) {
    if (isRecord(inherited[key]) && isRecord(own[key])) merged[key] = { ...inherited[key], ...own[key] };
  }
  return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function readScenarioFileData(path: string): Promise<unknown> {
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
  return data;
}

/** Accepts either form the options allow: an object (validated here) or a file path. */
export async function resolveScenario(scenario: ScenarioInput | string): Promise<Scenario> {
  return typeof scenario === "string" ? loadScenarioFile(scenario) : parseScenario(scenario);
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return "(root)";
  return path.map((part) => (typeof part === "number" ? `[${part}]` : String(part))).join(".").replaceAll(".[", "[");
}
