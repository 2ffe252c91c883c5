import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildLayout, currentBuild, type BuildLayout, type CurrentBuild } from "./build-record.mjs";
import { buildBundles } from "./build-bundles.ts";

export type { BuildLayout, CurrentBuild };

/** This repository's build: out/build under the folder that holds cli/. */
export const repositoryBuildLayout: BuildLayout = buildLayout(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", ".."));

export interface EnsuredBuild extends CurrentBuild {
  /** False when the build found was already made from these sources. */
  rebuilt: boolean;
}

/** One check (and at most one build) at a time per output folder in this process; the fleet asks for 13 at once. */
const inFlight = new Map<string, Promise<EnsuredBuild>>();

/**
 * The current build of `layout`, made first when it is missing or its source hash differs from the
 * sources': a stale build is rebuilt, never run. Several processes may do this at once; each writes
 * its own temporary files and renames them into place.
 */
export function ensureBuild(layout: BuildLayout = repositoryBuildLayout): Promise<EnsuredBuild> {
  const running = inFlight.get(layout.outputDirectory);
  if (running) return running;
  const ensuring = (async () => {
    const found = currentBuild(layout);
    if (found) return { ...found, rebuilt: false };
    try {
      return { ...(await buildBundles(layout)), rebuilt: true };
    } catch (error) {
      throw new Error(`could not build ${path.relative(process.cwd(), layout.outputDirectory) || layout.outputDirectory} from ${layout.sourceRoot}: ${(error as Error).message}`, { cause: error });
    }
  })().finally(() => inFlight.delete(layout.outputDirectory));
  inFlight.set(layout.outputDirectory, ensuring);
  return ensuring;
}
