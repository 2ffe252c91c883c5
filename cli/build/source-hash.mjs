// Plain JavaScript on purpose: cli/bin.mjs runs this before anything can compile TypeScript, to
// decide whether the built CLI may run as it is (docs/decisions/1410-build-by-default.md).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The folders whose code goes into the bundles; prompts/ holds the prompt store's code as well as its texts. */
export const sourceFolders = Object.freeze(["agents", "bus", "cli", "errors", "llm", "logging", "schemas", "simulator", "prompts"]);
/** Root files that change what esbuild emits or which dependency versions the bundles import. */
export const sourceRootFiles = Object.freeze(["package.json", "package-lock.json", "tsconfig.json"]);
/**
 * Only code is hashed. Prompt texts, pipelines and the dashboard's page are read from disk at run
 * time (through each module's source URL), so changing them needs no rebuild.
 */
const codeFile = /\.(ts|mts|cts|js|mjs|cjs|json)$/;

/** Every file that goes into the build, relative to the source root, sorted. */
export function listSourceFiles(sourceRoot) {
  const files = [];
  for (const folder of sourceFolders) {
    const directory = path.join(sourceRoot, folder);
    if (!existsSync(directory)) continue;
    for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !codeFile.test(entry.name)) continue;
      const relative = path.relative(sourceRoot, path.join(entry.parentPath ?? entry.path, entry.name));
      if (relative.split(path.sep).includes("node_modules")) continue;
      files.push(relative);
    }
  }
  for (const file of sourceRootFiles) if (existsSync(path.join(sourceRoot, file))) files.push(file);
  return files.sort();
}

/**
 * A SHA-256 over the source root's path (the bundles hold absolute source URLs) and the path and
 * content of every source file. Content, not modification times: a checkout, a copy or a touch
 * that leaves the bytes alone is not a change, and an edit within the same second still is.
 */
export function hashSources(sourceRoot) {
  const hash = createHash("sha256");
  hash.update(`source-root\0${path.resolve(sourceRoot)}\0`);
  for (const file of listSourceFiles(sourceRoot)) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(sourceRoot, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}
