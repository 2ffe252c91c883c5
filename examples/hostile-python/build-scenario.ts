/**
 * Builds examples/hostile-python/scenario.json from scenario-base.yaml (the agents' structured replies),
 * task.yaml and the real files under source/. The files are kept as real files so that their CRLF
 * endings, tabs and trailing spaces are plain to see and edit; JSON.stringify then writes them as exact
 * \r\n and \t escapes, which no hand-written JSON could be trusted to get right.
 *
 *   npx tsx examples/hostile-python/build-scenario.ts           writes scenario.json
 *   npx tsx examples/hostile-python/build-scenario.ts --check   exits 1 if scenario.json is out of date
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";

export const hostileExampleDirectory = path.dirname(fileURLToPath(import.meta.url));

/** Build leftovers that live next to the sources but are not part of the generated project. */
const ignored = (name: string) => name === "__pycache__" || name.endsWith(".pyc") || name === ".DS_Store";

async function listFiles(root: string, folder = ""): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(root, folder), { withFileTypes: true })) {
    if (ignored(entry.name)) continue;
    const relative = folder === "" ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await listFiles(root, relative)));
    else found.push(relative);
  }
  return found;
}

/** Strict UTF-8: a stray byte would otherwise become U+FFFD silently and the scenario would lie about the file. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function manifestPaths(base: Record<string, unknown>): string[] {
  const agents = base.agents as { code?: { files?: Array<{ path?: unknown }> } } | undefined;
  const files = agents?.code?.files;
  if (!Array.isArray(files)) throw new Error("scenario-base.yaml has no agents.code.files manifest");
  return files.map((entry, index) => {
    if (typeof entry.path !== "string") throw new Error(`agents.code.files[${index}].path is not a string`);
    return entry.path;
  });
}

/** The scenario object: the base, the task from task.yaml, and one exact text per manifest file, in manifest order. */
export async function buildHostileScenario(directory = hostileExampleDirectory): Promise<Record<string, unknown>> {
  const base = parseYaml(await readFile(path.join(directory, "scenario-base.yaml"), "utf8")) as Record<string, unknown>;
  const task = parseYaml(await readFile(path.join(directory, "task.yaml"), "utf8")) as unknown;
  const sourceRoot = path.join(directory, "source");
  const paths = manifestPaths(base);
  const onDisk = new Set(await listFiles(sourceRoot));
  const missing = paths.filter((each) => !onDisk.has(each));
  const extra = [...onDisk].filter((each) => !paths.includes(each));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `source/ and the manifest disagree: missing from source/ [${missing.join(", ")}], not in the manifest [${extra.join(", ")}]`,
    );
  }
  const files: Record<string, string> = {};
  for (const each of paths) {
    try {
      files[each] = utf8.decode(await readFile(path.join(sourceRoot, each)));
    } catch (error) {
      throw new Error(`source/${each} is not valid UTF-8: ${(error as Error).message}`);
    }
  }
  const { name, latency, agents, ...rest } = base;
  return { name, task, latency, agents, ...rest, files };
}

/** Two-space JSON with a final newline; stable, so the committed file diffs cleanly. */
export function renderScenario(scenario: Record<string, unknown>): string {
  return `${JSON.stringify(scenario, null, 2)}\n`;
}

async function main(argv: string[]): Promise<number> {
  const target = path.join(hostileExampleDirectory, "scenario.json");
  const rendered = renderScenario(await buildHostileScenario());
  if (argv.includes("--check")) {
    const current = await readFile(target, "utf8").catch(() => "");
    if (current === rendered) return 0;
    console.error(`${target} is out of date: run npx tsx examples/hostile-python/build-scenario.ts`);
    return 1;
  }
  await writeFile(target, rendered, "utf8");
  console.log(`wrote ${target}`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error((error as Error).message);
      process.exitCode = 1;
    },
  );
}
