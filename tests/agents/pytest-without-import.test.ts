import { describe, expect, it, vi } from "vitest";
import { runProjectTests } from "../../agents/tester/run-project-tests.ts";
import { usesPytest } from "../../agents/tester/runners/project-files.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

// pytest comes from PyPI the first time (later runs hit the shared cache).
vi.setConfig({ testTimeout: 240_000 });
const deps = testRunDeps({ timeoutMs: 120_000 });

const leapModule = { path: "leap.py", content: "def is_leap(year):\n    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)\n" };
const plainTests = "from leap import is_leap\n\n\ndef test_leap():\n    assert is_leap(2000)\n\n\ndef test_century():\n    assert not is_leap(1900)\n\n\ndef test_wrong():\n    assert is_leap(2001)\n";
const testCaseTests = "import unittest\nfrom leap import is_leap\n\n\nclass LeapTest(unittest.TestCase):\n    def test_leap(self):\n        self.assertTrue(is_leap(2000))\n";

describe("which Python runner a test file asks for", () => {
  it("picks pytest for plain test functions that never import it", () => {
    expect(usesPytest([leapModule, { path: "test_leap.py", content: plainTests }])).toBe(true);
    expect(usesPytest([leapModule, { path: "leap_test.py", content: "async def test_later():\n    pass\n" }])).toBe(true);
  });

  it("keeps unittest for TestCase classes, whose test methods are indented", () => {
    expect(usesPytest([leapModule, { path: "test_leap.py", content: testCaseTests }])).toBe(false);
  });

  it("picks pytest for a file that mixes a TestCase and plain functions: unittest would drop the functions", () => {
    expect(usesPytest([leapModule, { path: "test_leap.py", content: `${testCaseTests}\n\ndef test_plain():\n    assert is_leap(1996)\n` }])).toBe(true);
  });

  it("ignores plain test functions outside test files", () => {
    expect(usesPytest([{ path: "leap.py", content: "def test_helper():\n    return 1\n" }, { path: "test_leap.py", content: testCaseTests }])).toBe(false);
  });
});

describe("a project of plain pytest-style tests, with no requirements file", () => {
  it("installs pytest into the run's virtual environment and runs every test, with the failure's file and line", async () => {
    const report = await runProjectTests([leapModule, { path: "test_leap.py", content: plainTests }], deps);
    expect(report.buildErrors).toEqual([]);
    expect(report).toMatchObject({ runner: "pytest", passed: 2, failed: 1, total: 3, verdict: "FAIL" });
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({ name: "test_leap.py::test_wrong", file: "test_leap.py", line: 13 });
    expect(report.implicatedFiles).toContain("test_leap.py");
    expect(report.install.steps.map((step) => [step.tool, step.dependencyFile, step.ok])).toEqual([
      ["venv", "(virtual environment)", true],
      ["pip", "(pytest for the tests)", true],
    ]);
  });
});
