import type { CodeResult } from "../../schemas/file-job.ts";
import { actionOf } from "../../schemas/manifest.ts";
import type { Postmortem } from "../../schemas/postmortem.ts";

/**
 * PSP size of a change request, planned against actual (decision 1202). The plan's figures come from the
 * manifest: estimatedLines of create entries estimate added lines, of modify entries the lines added or
 * changed (counted as modified), and a deleted file's base lines are known exactly. Base is the repository's.
 */
export function changeSizeOf(code: CodeResult | undefined): Postmortem["changeSize"] {
  const actual = code?.changes;
  if (!code || !actual) return undefined;
  const basesByPath = new Map(actual.files.map((file) => [file.path, file.base]));
  const planned = { base: actual.base, added: 0, modified: 0, deleted: 0 };
  for (const entry of code.manifest.files) {
    const action = actionOf(entry);
    if (action === "create") planned.added += entry.estimatedLines;
    else if (action === "modify") planned.modified += entry.estimatedLines;
    else planned.deleted += basesByPath.get(entry.path) ?? 0;
  }
  return { planned, actual: { base: actual.base, added: actual.added, modified: actual.modified, deleted: actual.deleted }, files: actual.files };
}

/** New and changed lines (PSP "added and modified"): what a change request's density and size are measured on. */
export function addedAndModified(size: NonNullable<Postmortem["changeSize"]>): number {
  return size.actual.added + size.actual.modified;
}
