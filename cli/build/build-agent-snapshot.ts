import { execFile } from "node:child_process";
import { rename, rm } from "node:fs/promises";
import { isBuiltin, SourceMap, type SourceMapPayload, type SourceMapping } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import type { BuildOptions, Metafile, OutputFile } from "esbuild";
import { escapeRegularExpression } from "./escape-regular-expression.ts";
import { lazyBundleFileName, lazyGroupEntries, lazyPackageGroups, snapshotBundlePlugin } from "./snapshot-plugins.ts";
import { sourceFileUrls } from "./source-file-urls.ts";
import { temporaryNameFor, writeFileAtomically } from "./write-atomically.ts";
import { zodEnglishOnly } from "./zod-english-only.ts";

const run = promisify(execFile);

/** The CommonJS bundle `node --build-snapshot` evaluates; the blob is what agents start from. */
export const snapshotBundleFileName = "agent-snapshot.cjs";
/** esbuild's metafile of that bundle, kept for the test that keeps the lazy packages out of it. */
export const snapshotMetafileName = "agent-snapshot.metafile.json";

export interface AgentSnapshotBuild {
  /** esbuild's build function, imported by the caller (only a build loads esbuild). */
  build: (options: BuildOptions & { write: false; metafile: true }) => Promise<{ outputFiles: OutputFile[]; metafile: Metafile }>;
  sourceRoot: string;
  /** The build's folder: the bundles and the blob are written into it. */
  directory: string;
  /** Where the blob goes (out/build/<hash>/agent.blob). */
  snapshotFile: string;
  /** The snapshot's entry; cli/build/agent-snapshot-entry.ts unless a test brings its own. */
  entry?: string;
}

/**
 * Bundles the agent as CommonJS with cli/build/agent-snapshot-entry.ts as its entry, bundles the lazy
 * packages beside it, and runs `node --build-snapshot` on it: every module an agent loads before it
 * is ready is evaluated once, here, and each agent process deserializes the heap instead of parsing,
 * compiling and running them again (decision 1418).
 */
export async function buildAgentSnapshot(options: AgentSnapshotBuild): Promise<void> {
  const { build, sourceRoot, directory, snapshotFile } = options;
  const snapshotBundle = path.join(directory, snapshotBundleFileName);
  const common = { absWorkingDir: sourceRoot, bundle: true, platform: "node", format: "cjs", target: "node20", minifyWhitespace: true, minifySyntax: true, logLevel: "silent", write: false, metafile: true } as const;
  const [snapshot, lazy] = await Promise.all([
    build({
      ...common,
      entryPoints: [options.entry ?? path.join(sourceRoot, "cli", "build", "agent-snapshot-entry.ts")],
      outfile: snapshotBundle,
      // Kept in memory, not linked from the bundle: it turns the positions in a failed build's
      // message into source files, and the bundle's text, which the snapshot holds, stays as it is.
      sourcemap: "external",
      // Left out so that the check below names them if an agent ever reaches them.
      external: ["esbuild", "typescript"],
      plugins: [snapshotBundlePlugin(snapshotBundle), sourceFileUrls, zodEnglishOnly],
    }),
    build({
      ...common,
      entryPoints: Object.fromEntries(Object.keys(lazyPackageGroups).map((group) => [path.basename(lazyBundleFileName(group), ".cjs"), `lazy-group:${group}`])),
      outdir: directory,
      outExtension: { ".js": ".cjs" },
      plugins: [lazyGroupEntries(sourceRoot)],
    }),
  ]);
  refuseWhatASnapshotCannotLoad(snapshot.metafile);
  const sourceMap = snapshot.outputFiles.find((output) => output.path.endsWith(".map"));
  for (const output of [...snapshot.outputFiles, ...lazy.outputFiles]) if (output !== sourceMap) await writeFileAtomically(output.path, output.contents);
  await writeFileAtomically(path.join(directory, snapshotMetafileName), JSON.stringify(snapshot.metafile));
  const temporary = temporaryNameFor(snapshotFile);
  try {
    // The builder gets no environment of the user's: nothing of it (a key, say) can end up in the blob.
    // Without warnings: node warns about each built-in it has not verified for snapshots, and the
    // agent loads only built-ins whose state is made afresh at run time or loaded on first use (tls).
    await run(process.execPath, ["--no-warnings", "--snapshot-blob", temporary, "--build-snapshot", snapshotBundle], { cwd: directory, env: {}, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    await rm(temporary, { force: true });
    const { stderr, message } = error as { stderr?: string; message: string };
    const detail = inSourceFiles(stderr ?? message, snapshotBundle, sourceMap?.text, sourceRoot).split("\n").filter((line) => line.trim() !== "").slice(-30);
    throw new Error(`the agent snapshot could not be built from ${snapshotBundle}:\n${detail.join("\n")}`, { cause: error });
  }
  await rename(temporary, snapshotFile);
}

/** Rewrites each `bundle:line:column` in a message as the source file's, from the bundle's source map. */
function inSourceFiles(message: string, bundle: string, sourceMapText: string | undefined, sourceRoot: string): string {
  if (!sourceMapText) return message;
  const map = new SourceMap(JSON.parse(sourceMapText) as SourceMapPayload);
  const position = new RegExp(`${escapeRegularExpression(bundle)}:(\\d+):(\\d+)`, "g");
  return message.replace(position, (whole, line: string, column: string) => {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as Partial<SourceMapping>;
    if (!entry.originalSource) return whole;
    const source = path.relative(sourceRoot, path.resolve(path.dirname(bundle), entry.originalSource));
    return `${source}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
  });
}

/**
 * In a snapshot, require() reaches node's built-ins only and import() nothing at all, so a package
 * left outside the bundle would fail the first time it is reached, long after start-up. The build
 * fails now instead, naming it.
 */
function refuseWhatASnapshotCannotLoad(metafile: Metafile): void {
  const unreachable = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) if (imported.external && (!isBuiltin(imported.path) || imported.kind === "dynamic-import")) unreachable.add(`${imported.path} (${imported.kind})`);
  }
  if (unreachable.size > 0) throw new Error(`the agent snapshot's bundle imports what a snapshot cannot load: ${[...unreachable].join(", ")}`);
}
