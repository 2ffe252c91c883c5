import { describe, expect, it } from "vitest";
import { checkCode } from "../../agents/code-review/automated-checks.ts";

const test = { path: "tests/test_app.py", type: "test", content: "def test_app():\n    pass\n" };

describe("regression: the code review called an empty __init__.py a high defect, looping a run on a correct file", () => {
  it("accepts an empty marker file and still flags any other empty file", () => {
    const findings = checkCode([test, { path: "tests/__init__.py", type: "test", content: "" }, { path: "app/main.py", type: "source", content: "\n" }]);
    expect(findings.map((finding) => [finding.file, finding.description])).toEqual([["app/main.py", "the file is empty"]]);
  });

  it("accepts a file the manifest declared empty (estimatedLines 0), whatever its name", () => {
    const findings = checkCode([test, { path: "app/placeholder.txt", type: "config", content: "" }, { path: "app/main.py", type: "source", content: "" }], new Set(["app/placeholder.txt"]));
    expect(findings.map((finding) => finding.file)).toEqual(["app/main.py"]);
  });
});
