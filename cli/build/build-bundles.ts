import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { buildFiles, type BuildLayout, type CurrentBuild } from "./build-record.mjs";
import { hashSources } from "./source-hash.mjs";
import { sourceFileUrls } from "./source-file-urls.ts";
import { replaceSymbolicLink, writeFileAtomically } from "./write-atomically.ts";

/** Old builds are removed only after this long, so a process about to start one still finds it. */
const oldBuildGraceMs = 10 * 60 * 1000;
/** Sources that keep changing while they are built are reported, not chased forever. */
const attemptsWhileSourcesChange = 3;

/**
 * Bundles the agent process and the CLI from `layout.sourceRoot` into a new folder named after the
 * source hash, records the hash next to them, and only then points `current` at the folder.
 * esbuild is imported here, not at the top of the CLI, so a run that finds its build current never
 * loads it.
 */
export async function buildBundles(layout: BuildLayout): Promise<CurrentBuild> {
  const { build, version } = await import("esbuild");
  for (let attempt = 1; attempt <= attemptsWhileSourcesChange; attempt += 1) {
    const hash = hashSources(layout.sourceRoot);
    const files = buildFiles(path.join(layout.outputDirectory, hash.slice(0, 16)));
    const result = await build({
      entryPoints: {
        agent: path.join(layout.sourceRoot, "cli", "build", "agent-entry.ts"),
        cli: path.join(layout.sourceRoot, "cli", "build", "cli-entry.ts"),
      },
      absWorkingDir: layout.sourceRoot,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      // node_modules stay as they are: node loads them natively, one copy shared by both bundles.
      packages: "external",
      outdir: files.directory,
      outExtension: { ".js": ".mjs" },
      write: false,
      plugins: [sourceFileUrls],
      logLevel: "silent",
      sourcemap: false,
    });
    // A file edited while esbuild read the sources would be in the bundle under the old hash.
    if (hashSources(layout.sourceRoot) !== hash) continue;
    await mkdir(files.directory, { recursive: true });
    for (const output of result.outputFiles) await writeFileAtomically(output.path, output.contents);
    const record = { hash, builtAt: new Date().toISOString(), sourceRoot: layout.sourceRoot, esbuild: version, node: process.version };
    await writeFileAtomically(files.recordFile, `${JSON.stringify(record, null, 2)}\n`);
    await replaceSymbolicLink(layout.currentLink, path.basename(files.directory));
    await removeOldBuilds(layout, files.directory);
    return { hash, ...files };
  }
  throw new Error(`the sources under ${layout.sourceRoot} kept changing while they were built (${attemptsWhileSourcesChange} attempts)`);
}

async function removeOldBuilds(layout: BuildLayout, keep: string): Promise<void> {
  const entries = await readdir(layout.outputDirectory, { withFileTypes: true });
  for (const entry of entries) {
    const directory = path.join(layout.outputDirectory, entry.name);
    if (!entry.isDirectory() || directory === keep) continue;
    const age = Date.now() - (await stat(directory).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age > oldBuildGraceMs) await rm(directory, { recursive: true, force: true });
  }
}
