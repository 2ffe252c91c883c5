import { describe, expect, it } from "vitest";
import { countChange } from "../../agents/code/line-diff.ts";

describe("PSP line counts of a change", () => {
  it("counts a line changed in place as modified, and the rest of its hunk as added or deleted", () => {
    expect(countChange("a\nb\nc\n", "a\nB\nc\nd\n")).toEqual({ base: 3, added: 1, modified: 1, deleted: 0 });
    expect(countChange("a\nb\nc\nd\n", "a\nX\nd\n")).toEqual({ base: 4, added: 0, modified: 1, deleted: 1 });
  });

  it("keeps hunks apart across an unchanged line, so changes far apart are not paired", () => {
    // One deletion near the top and one addition at the end: neither is a modification.
    expect(countChange("a\nb\nc\nd\n", "a\nc\nd\ne\n")).toEqual({ base: 4, added: 1, modified: 0, deleted: 1 });
  });

  it("counts a new file as added and a deleted file as deleted", () => {
    expect(countChange(undefined, "x\ny\n")).toEqual({ base: 0, added: 2, modified: 0, deleted: 0 });
    expect(countChange("x\ny\nz", undefined)).toEqual({ base: 3, added: 0, modified: 0, deleted: 3 });
  });

  it("counts nothing for an unchanged file", () => {
    expect(countChange("same\n", "same\n")).toEqual({ base: 1, added: 0, modified: 0, deleted: 0 });
  });
});
