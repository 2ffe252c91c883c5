import { describe, expect, it, vi } from "vitest";
import { runProjectTests } from "../../agents/tester/run-project-tests.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

// Installs reach PyPI and the npm registry the first time (later runs hit the shared cache).
vi.setConfig({ testTimeout: 240_000 });
const deps = testRunDeps({ timeoutMs: 120_000 });

const exerciseModule = { path: "leap.py", content: "def is_leap(year):\n    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)\n" };

describe("test layouts a new user tries", () => {
  it("runs exercise-style <module>_test.py files with unittest", async () => {
    const report = await runProjectTests([
      exerciseModule,
      { path: "leap_test.py", content: "import unittest\nfrom leap import is_leap\n\n\nclass LeapTest(unittest.TestCase):\n    def test_century(self):\n        self.assertFalse(is_leap(1900))\n\n    def test_four_hundred(self):\n        self.assertTrue(is_leap(2000))\n\n    def test_wrong(self):\n        self.assertTrue(is_leap(2001))\n" },
    ], deps);
    expect(report).toMatchObject({ runner: "python-unittest", passed: 2, failed: 1, total: 3, verdict: "FAIL" });
    expect(report.failures[0]).toMatchObject({ name: "leap_test.LeapTest.test_wrong", file: "leap_test.py", line: 13 });
    expect(report.failures[0]!.message).toContain("AssertionError");
  });

  it("runs exercise-style <module>_test.py files with pytest, installed into the run's virtual environment", async () => {
    const report = await runProjectTests([
      exerciseModule,
      { path: "leap_test.py", content: "import pytest\n\nfrom leap import is_leap\n\n\n@pytest.mark.parametrize('year', [1996, 2000])\ndef test_leap(year):\n    assert is_leap(year)\n\n\ndef test_not_leap():\n    assert is_leap(1900)\n" },
    ], deps);
    expect(report).toMatchObject({ runner: "pytest", passed: 2, failed: 1, total: 3, verdict: "FAIL" });
    expect(report.failures[0]).toMatchObject({ name: "leap_test.py::test_not_leap", file: "leap_test.py", line: 12 });
    expect(report.install.steps.map((step) => step.tool)).toEqual(["venv", "pip"]);
    expect(report.install.steps.every((step) => step.ok)).toBe(true);
  });

  it("downloads nothing the second time the same project installs: the shared cache serves it", async () => {
    const project = [
      exerciseModule,
      { path: "requirements.txt", content: "pytest>=7,<10\n" },
      { path: "leap_test.py", content: "from leap import is_leap\n\n\ndef test_leap():\n    assert is_leap(2000)\n" },
    ];
    await runProjectTests(project, deps);
    const warm = await runProjectTests(project, deps);
    expect(warm).toMatchObject({ verdict: "PASS", runner: "pytest", passed: 1 });
    expect(warm.install.steps.map((step) => [step.tool, step.ok, step.downloaded])).toEqual([["venv", true, false], ["pip", true, false]]);
  });

  it("installs a Jest project's devDependencies and runs its *.spec.js tests with no network", async () => {
    const report = await runProjectTests([
      { path: "package.json", content: JSON.stringify({ name: "jest-project", version: "1.0.0", private: true, scripts: { test: "jest --ci" }, devDependencies: { jest: "29.7.0" } }, null, 2) },
      { path: "src/sum.js", content: "function sum(a, b) {\n  return a + b;\n}\nmodule.exports = { sum };\n" },
      { path: "src/sum.spec.js", content: "const { sum } = require('./sum');\n\ntest('adds', () => {\n  expect(sum(1, 2)).toBe(3);\n});\n\ntest('adds wrongly', () => {\n  expect(sum(2, 2)).toBe(5);\n});\n" },
    ], deps);
    expect(report.install.steps).toMatchObject([{ tool: "npm", ok: true }]);
    expect(report.sandbox.network).toBe("none");
    expect(report).toMatchObject({ runner: "npm-test", passed: 1, failed: 1, total: 2, verdict: "FAIL" });
    expect(report.failures[0]).toMatchObject({ name: "adds wrongly", file: "src/sum.spec.js", line: 8 });
  });

  it("runs both the Python and the JavaScript tests of a mixed project, and sums them", async () => {
    const report = await runProjectTests([
      exerciseModule,
      { path: "tests/__init__.py", content: "" },
      { path: "tests/test_leap.py", content: "import unittest\nfrom leap import is_leap\n\n\nclass T(unittest.TestCase):\n    def test_2000(self):\n        self.assertTrue(is_leap(2000))\n" },
      { path: "web/package.json", content: '{"type":"module"}\n' },
      { path: "web/format.js", content: "export const format = (year) => `year ${year}`;\n" },
      { path: "web/format.test.js", content: "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { format } from './format.js';\ntest('formats', () => assert.equal(format(1), 'year 1'));\ntest('formats zero', () => assert.equal(format(0), 'year 0'));\n" },
    ], deps);
    expect(report.runners.map((runner) => [runner.runner, runner.passed])).toEqual([["python-unittest", 1], ["node-test", 2]]);
    expect(report).toMatchObject({ runner: "python-unittest+node-test", passed: 3, failed: 0, total: 3, verdict: "PASS" });
  });

  it("runs go test and reports a failing test with its file and line", async () => {
    const report = await runProjectTests([
      { path: "go.mod", content: "module example.com/calc\n\ngo 1.21\n" },
      { path: "calc.go", content: "package calc\n\n// Add adds.\nfunc Add(a, b int) int { return a - b }\n" },
      { path: "calc_test.go", content: "package calc\n\nimport \"testing\"\n\nfunc TestZero(t *testing.T) {\n\tif Add(0, 0) != 0 {\n\t\tt.Fatal(\"zero\")\n\t}\n}\n\nfunc TestAdd(t *testing.T) {\n\tif got := Add(2, 3); got != 5 {\n\t\tt.Errorf(\"Add(2, 3) = %d, want 5\", got)\n\t}\n}\n" },
    ], deps);
    expect(report).toMatchObject({ runner: "go-test", passed: 1, failed: 1, verdict: "FAIL" });
    expect(report.failures[0]).toMatchObject({ name: "TestAdd", file: "calc_test.go", line: 13, message: "Add(2, 3) = -1, want 5" });
  });
});

describe("the compile phase", () => {
  it("fails a TypeScript project with a type error at compile, naming the file and line", async () => {
    const report = await runProjectTests([
      { path: "src/total.ts", content: "export function total(prices: number[]): number {\n  const sum: number = prices.join(',');\n  return sum;\n}\n" },
      { path: "src/total.test.ts", content: "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { total } from './total.ts';\ntest('totals', () => assert.equal(total([1, 2]), 3));\n" },
    ], deps);
    expect(report.verdict).toBe("FAIL");
    expect(report.total).toBe(0);
    expect(report.compile.findings).toContainEqual(expect.objectContaining({ tool: "tsc", file: "src/total.ts", line: 2, severity: "error", rule: "TS2322" }));
    expect(report.implicatedFiles).toEqual(["src/total.ts"]);
  });

  it("type-checks a correct TypeScript project, then runs its node:test tests through a loader", async () => {
    const report = await runProjectTests([
      { path: "src/total.ts", content: "export function total(prices: number[]): number {\n  return prices.reduce((sum, price) => sum + price, 0);\n}\n" },
      { path: "src/total.test.ts", content: "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { total } from './total.ts';\ntest('totals', () => assert.equal(total([1, 2]), 3));\n" },
    ], deps);
    expect(report.compile.findings).toEqual([]);
    expect(report).toMatchObject({ verdict: "PASS", runner: "typescript-node-test", passed: 1 });
  });

  it("lints Python with ruff: an undefined name is an error, an unused import a warning", async () => {
    const report = await runProjectTests([
      { path: "shop/__init__.py", content: "" },
      { path: "shop/cart.py", content: "import os\n\n\ndef total(items):\n    return sum(item.price for item in itemz)\n" },
      { path: "tests/__init__.py", content: "" },
      { path: "tests/test_cart.py", content: "import unittest\nfrom shop.cart import total\n\n\nclass T(unittest.TestCase):\n    def test_empty(self):\n        self.assertEqual(total([]), 0)\n" },
    ], deps);
    expect(report.verdict).toBe("FAIL");
    expect(report.compile.findings).toEqual(expect.arrayContaining([
      expect.objectContaining({ tool: "ruff", file: "shop/cart.py", line: 5, rule: "F821", severity: "error" }),
      expect.objectContaining({ tool: "ruff", file: "shop/cart.py", line: 1, rule: "F401", severity: "warning" }),
    ]));
    expect(report.implicatedFiles).toEqual(["shop/cart.py"]);
  });
});

describe("the install phase", () => {
  it("fails the install of a dependency that does not exist, naming it, with requirements.txt implicated", async () => {
    const report = await runProjectTests([
      { path: "requirements.txt", content: "asp-no-such-package-3f9c2e==1.0.0\n" },
      exerciseModule,
      { path: "test_leap.py", content: "import unittest\nfrom leap import is_leap\n\n\nclass T(unittest.TestCase):\n    def test_2000(self):\n        self.assertTrue(is_leap(2000))\n" },
    ], deps);
    expect(report.verdict).toBe("FAIL");
    expect(report.install.failedDependency).toBe("asp-no-such-package-3f9c2e==1.0.0");
    expect(report.buildErrors.join("\n")).toContain('the dependency "asp-no-such-package-3f9c2e==1.0.0" could not be installed');
    expect(report.implicatedFiles).toEqual(["requirements.txt"]);
    expect(report.total).toBe(0);
  });
});
