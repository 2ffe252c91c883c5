import { describe, expect, it } from "vitest";
import { feedbackFromGate } from "../../agents/orchestrator/feedback.ts";
import { failuresForFile, findingsForFile } from "../../agents/code/feedback-for-file.ts";
import { manifest } from "./support/code-fixture.ts";

const report = (overrides: Record<string, unknown> = {}) => ({
  verdict: "FAIL",
  runner: "pytest",
  passed: 2,
  failed: 1,
  total: 3,
  buildErrors: [],
  failures: [{ name: "tests/test_core.py::test_empty_name", message: "Failed: DID NOT RAISE", file: "tests/test_core.py", line: 8, runner: "pytest" }],
  implicatedFiles: ["tests/test_core.py"],
  output: `${"noise ".repeat(1000)}TAIL-MARKER`,
  ...overrides,
});

describe("feedback from a failed test run", () => {
  it("carries each failure structured, with file and line, and leaves the output's tail out", () => {
    const feedback = feedbackFromGate("test", 1, report());
    expect(feedback.failures).toEqual([{ name: "tests/test_core.py::test_empty_name", message: "Failed: DID NOT RAISE", file: "tests/test_core.py", line: 8, runner: "pytest" }]);
    expect(feedback.findings).toEqual([
      expect.objectContaining({ category: "test-failure", file: "tests/test_core.py", line: 8, description: "test tests/test_core.py::test_empty_name failed: Failed: DID NOT RAISE" }),
    ]);
    expect(feedback.summary).toBe("1 of 3 tests failed (pytest)");
    expect(feedback.summary).not.toContain("TAIL-MARKER");
    expect(feedback.files).toEqual(["tests/test_core.py"]);
  });

  it("keeps a tail of the output only when nothing structured was reported", () => {
    const feedback = feedbackFromGate("test", 1, report({ failures: [], failed: 0, total: 0 }));
    expect(feedback.summary).toContain("TAIL-MARKER");
    expect(feedback.summary).toContain("nothing more structured was reported");
  });

  it("turns compile errors into findings with file and line, without repeating their build-error strings", () => {
    const feedback = feedbackFromGate("test", 1, report({
      failures: [],
      failed: 0,
      buildErrors: ["src/app.ts:3:7 error TS2322: Type 'string' is not assignable to type 'number'.", "npm install failed: no such package left-padd"],
      compile: { findings: [
        { tool: "tsc", file: "src/app.ts", line: 3, column: 7, severity: "error", rule: "TS2322", message: "Type 'string' is not assignable to type 'number'." },
        { tool: "ruff", file: "src/x.py", line: 1, severity: "warning", rule: "F401", message: "unused import" },
      ] },
    }));
    expect(feedback.findings.map((finding) => [finding.category, finding.file, finding.line, finding.description])).toEqual([
      ["compile", "src/app.ts", 3, "tsc TS2322: Type 'string' is not assignable to type 'number'."],
      // A warning is logged as a low defect of the compile phase, but does not send its file back.
      ["compile", "src/x.py", 1, "ruff F401: unused import"],
      ["build", undefined, undefined, "npm install failed: no such package left-padd"],
    ]);
    expect(feedback.findings.find((finding) => finding.file === "src/x.py")?.severity).toBe("low");
    expect(feedback.files).not.toContain("src/x.py");
  });

  it("review findings keep no structured failures, so their writers see them as before", () => {
    const feedback = feedbackFromGate("code-review", 1, { verdict: "FAIL", summary: "s", findings: [{ severity: "high", category: "naming", description: "bad name", file: "greet/core.py", line: 2 }] });
    expect(feedback.failures).toBeUndefined();
    expect(findingsForFile(feedback, "greet/core.py")).toContain("- [high] greet/core.py:2: bad name");
  });
});

describe("which failures a file's writer sees", () => {
  const feedback = feedbackFromGate("test", 1, report({
    failures: [
      { name: "test_empty_name", message: "DID NOT RAISE", file: "tests/test_core.py", line: 8 },
      { name: "test_collect", message: "error during collection" },
    ],
  }));

  it("the test's own writer and the writer of the source it tests see its failure; an unrelated file sees only the unplaced one", () => {
    expect(failuresForFile(feedback, manifest, "tests/test_core.py").map((failure) => failure.name)).toEqual(["test_empty_name", "test_collect"]);
    expect(failuresForFile(feedback, manifest, "greet/core.py").map((failure) => failure.name)).toEqual(["test_empty_name", "test_collect"]);
    expect(failuresForFile(feedback, manifest, "requirements.txt").map((failure) => failure.name)).toEqual(["test_collect"]);
  });

  it("keeps test failures out of the findings text, since they have their own placeholder", () => {
    expect(findingsForFile(feedback, "tests/test_core.py")).not.toContain("DID NOT RAISE");
  });
});
