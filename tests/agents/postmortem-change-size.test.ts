import { describe, expect, it } from "vitest";
import { changeSizeOf } from "../../agents/postmortem/change-size.ts";
import type { CodeResult } from "../../schemas/file-job.ts";
import type { ManifestEntry } from "../../schemas/manifest.ts";

function entry(path: string, action: ManifestEntry["action"], estimatedLines: number): ManifestEntry {
  return { path, ...(action ? { action } : {}), type: "source", purpose: "a file of the change", unitId: "unit", componentId: "component", estimatedLines, dependsOn: [] };
}

/** A change request's code result: a new file, two modified ones and a deleted one, with what the diff counted. */
function changeRequest(): CodeResult {
  return {
    manifest: {
      language: "python",
      files: [entry("app/new.py", "create", 30), entry("app/core.py", "modify", 12), entry("app/__init__.py", "modify", 2), entry("app/old.py", "delete", 0)],
    },
    files: [],
    round: 1,
    regenerated: [],
    warnings: [],
    deleted: ["app/old.py"],
    changes: {
      base: 120,
      added: 41,
      modified: 9,
      deleted: 27,
      files: [
        { path: "app/new.py", action: "create", base: 0, added: 33, modified: 0, deleted: 0 },
        { path: "app/core.py", action: "modify", base: 60, added: 7, modified: 8, deleted: 2 },
        { path: "app/__init__.py", action: "modify", base: 5, added: 1, modified: 1, deleted: 0 },
        { path: "app/old.py", action: "delete", base: 25, added: 0, modified: 0, deleted: 25 },
      ],
    },
  };
}

describe("the postmortem's PSP size of a change request, planned against actual", () => {
  it("plans added lines from create entries, modified from modify entries and deleted from a deleted file's base", () => {
    const size = changeSizeOf(changeRequest());
    // added: only the create entry's 30; modified: 12 + 2; deleted: old.py's 25 base lines, not its estimatedLines of 0.
    expect(size?.planned).toEqual({ base: 120, added: 30, modified: 14, deleted: 25 });
    expect(size?.actual).toEqual({ base: 120, added: 41, modified: 9, deleted: 27 });
    expect(size?.files.map((file) => [file.path, file.action, file.base, file.added, file.modified, file.deleted])).toEqual([
      ["app/new.py", "create", 0, 33, 0, 0],
      ["app/core.py", "modify", 60, 7, 8, 2],
      ["app/__init__.py", "modify", 5, 1, 1, 0],
      ["app/old.py", "delete", 25, 0, 0, 25],
    ]);
  });

  it("counts an entry with no action as a create", () => {
    const code = changeRequest();
    code.manifest.files = [entry("app/new.py", undefined, 30), entry("app/core.py", "modify", 12)];
    expect(changeSizeOf(code)?.planned).toEqual({ base: 120, added: 30, modified: 12, deleted: 0 });
  });

  it("plans no deleted lines for a deleted file the diff did not count", () => {
    const code = changeRequest();
    code.changes = { ...code.changes!, files: code.changes!.files.filter((file) => file.path !== "app/old.py") };
    expect(changeSizeOf(code)?.planned.deleted).toBe(0);
  });

  it("has no size for a run that was not a change request", () => {
    const { changes: _changes, ...newProject } = changeRequest();
    expect(changeSizeOf(newProject)).toBeUndefined();
    expect(changeSizeOf(undefined)).toBeUndefined();
  });
});
