import { constants } from "node:fs";
import { lstat, mkdir, open } from "node:fs/promises";
import path from "node:path";
import type { ArtifactStore } from "../agents/shared/artifact-store.ts";
import { unsafePathReason } from "../agents/code/validate-manifest.ts";
import type { AspEvent } from "../schemas/event.ts";
import type { RunState } from "../schemas/run.ts";
import { eventsAsNdjson } from "./events-ndjson.ts";
import { renderRunReports } from "./run-reports.ts";

/** Every existing folder on the way to a file must be a real folder inside the output, not a link out of it. */
async function refuseSymlinks(directory: string, name: string): Promise<void> {
  let current = directory;
  for (const part of path.dirname(name).split(path.sep).filter((segment) => segment && segment !== ".")) {
    current = path.join(current, part);
    const info = await lstat(current).catch(() => undefined);
    if (!info) return;
    if (info.isSymbolicLink() || !info.isDirectory()) throw new Error(`refusing to write ${name}: ${current} is not a plain folder`);
  }
}

/**
 * Materialises a finished run on disk: the generated project under `project/`, the reports beside
 * it, and every event as NDJSON. Files come from the artifact store, so the run may have been
 * generated on any machine of the fleet.
 */
export async function writeRunOutput(directory: string, state: RunState, events: AspEvent[], artifacts: ArtifactStore): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const written: string[] = [];
  const write = async (name: string, content: string | Uint8Array) => {
    const target = path.join(directory, name);
    await refuseSymlinks(directory, name);
    await mkdir(path.dirname(target), { recursive: true });
    // O_NOFOLLOW: a symlink planted at the target is an error, never a way to write elsewhere.
    const handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    written.push(name);
  };
  const outputs = state.outputs as Record<string, any>;
  for (const report of renderRunReports(state)) await write(report.fileName, report.content);
  for (const file of (outputs.code?.files ?? []) as Array<{ path: string; artifact: string }>) {
    const reason = unsafePathReason(file.path);
    if (reason) throw new Error(`refusing to write generated file "${file.path}": it ${reason}`);
    const content = await artifacts.get(file.artifact);
    if (!content) throw new Error(`artifact ${file.artifact} of ${file.path} is missing from the store`);
    await write(path.join("project", file.path), content);
  }
  await write("events.ndjson", eventsAsNdjson(events));
  return written;
}
