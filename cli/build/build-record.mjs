// Plain JavaScript on purpose: cli/bin.mjs reads it before anything can compile TypeScript.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { hashSources } from "./source-hash.mjs";

/**
 * Where a build of one source root lives. Each build has its own folder named after its source
 * hash, and `current` is a symbolic link to the newest one: replacing the link is one atomic
 * rename, so concurrent builders never leave a bundle of one hash under a record of another.
 */
export function buildLayout(sourceRoot, outputDirectory = path.join(sourceRoot, "out", "build")) {
  return { sourceRoot: path.resolve(sourceRoot), outputDirectory: path.resolve(outputDirectory), currentLink: path.join(path.resolve(outputDirectory), "current") };
}

/** The files of the build in one folder. */
export function buildFiles(directory) {
  return {
    directory,
    agentBundle: path.join(directory, "agent.mjs"),
    // The startup snapshot agents start from (decision 1418); it loads only in the node that made it.
    agentSnapshot: path.join(directory, "agent.blob"),
    cliBundle: path.join(directory, "cli.mjs"),
    recordFile: path.join(directory, "build.json"),
  };
}

/**
 * The build `current` points to when it was made from exactly these sources, else undefined (missing
 * or stale). The link is resolved once, so what is checked is what the caller then runs.
 */
export function currentBuild(layout, hash = hashSources(layout.sourceRoot)) {
  let directory;
  try {
    directory = realpathSync(layout.currentLink);
  } catch {
    return undefined;
  }
  const files = buildFiles(directory);
  let record;
  try {
    record = JSON.parse(readFileSync(files.recordFile, "utf8"));
  } catch {
    return undefined;
  }
  if (record?.hash !== hash || !existsSync(files.agentBundle) || !existsSync(files.cliBundle) || !existsSync(files.agentSnapshot)) return undefined;
  // A snapshot loads only in the node that built it: another node makes the build stale.
  if (record.node !== process.version) return undefined;
  return { hash, ...files };
}
