import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { renderAgentLauncher } from "./agent-launcher.ts";
import { buildAgentSnapshot } from "./build-agent-snapshot.ts";
import { buildFiles, type BuildLayout, type CurrentBuild } from "./build-record.mjs";
import { hashSources } from "./source-hash.mjs";
import { importMetaUrl, sourceFileUrls } from "./source-file-urls.ts";
import { replaceSymbolicLink, writeFileAtomically } from "./write-atomically.ts";
import { zodEnglishOnly } from "./zod-english-only.ts";

/** Old builds are removed only after this long, so a process about to start one still finds it. */
const oldBuildGraceMs = 10 * 60 * 1000;
/**
 * Packages node loads from node_modules rather than from the bundle: esbuild is a native binary,
 * typescript is large and loaded only by `asp run --repo`, and pino's transports (never used here)
 * start thread-stream workers from files; pino itself is bundled (decision 1411).
 * Everything else is bundled: one file parsed instead of hundreds of modules resolved and linked
 * halves an agent's start-up CPU (0.33 → 0.17 s) and saves about 6 MB each (decision 1410).
 */
const externalPackages = ["esbuild", "typescript", "thread-stream", "pino-pretty"];
/** Bundled CommonJS packages call require(); an ES module has none unless it makes one. */
const requireForCommonJs = `import { createRequire as createRequireForBundle } from "node:module"; const require = createRequireForBundle(${importMetaUrl});`;
/** The agent's own bundle; agent.mjs, which processes run, is the launcher that loads it (cli/build/agent-launcher.ts). */
const agentMainName = "agent-main";
/** esbuild's metafile of the build, kept in its folder. */
export const metafileName = "metafile.json";
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
        [agentMainName]: path.join(layout.sourceRoot, "cli", "build", "agent-entry.ts"),
        cli: path.join(layout.sourceRoot, "cli", "build", "cli-entry.ts"),
      },
      absWorkingDir: layout.sourceRoot,
      bundle: true,
      // Dynamic imports become chunks loaded only when reached: the CLI loads only the command it runs,
      // and OpenTelemetry only when tracing is on (decision 1411).
      splitting: true,
      platform: "node",
      format: "esm",
      target: "node20",
      external: externalPackages,
      banner: { js: requireForCommonJs },
      // Smaller to parse and to hold (about 2.5 MB per agent); names are kept, and ASP_AGENT_RUNNER=tsx runs the sources for debugging.
      minifyWhitespace: true,
      minifySyntax: true,
      outdir: files.directory,
      outExtension: { ".js": ".mjs" },
      write: false,
      plugins: [sourceFileUrls, zodEnglishOnly],
      logLevel: "silent",
      sourcemap: false,
      metafile: true,
    });
    await mkdir(files.directory, { recursive: true });
    await buildAgentSnapshot({ build, sourceRoot: layout.sourceRoot, directory: files.directory, snapshotFile: files.agentSnapshot });
    // A file edited while esbuild read the sources would be in the bundles under the old hash.
    if (hashSources(layout.sourceRoot) !== hash) continue;
    for (const output of result.outputFiles) await writeFileAtomically(output.path, output.contents);
    const agentMain = Object.keys(result.metafile.outputs).find((output) => path.basename(output) === `${agentMainName}.mjs`);
    if (!agentMain) throw new Error(`esbuild wrote no ${agentMainName}.mjs`);
    await writeFileAtomically(files.agentBundle, renderAgentLauncher(result.metafile, agentMain, `${agentMainName}.mjs`));
    // What each chunk holds and loads: for `esbuild --analyze`-style reading, and for the test that
    // keeps what an agent loads before it is ready in check (tests/fleet/agent-start-up-imports.test.ts).
    await writeFileAtomically(path.join(files.directory, metafileName), JSON.stringify(result.metafile));
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
