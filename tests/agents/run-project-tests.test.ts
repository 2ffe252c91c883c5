import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { runProjectTests } from "../../agents/tester/run-project-tests.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

const deps = testRunDeps({ timeoutMs: 20_000 });

const pythonProject = (body: string) => [
  { path: "calc/__init__.py", content: "# calc package\n" },
  { path: "calc/ops.py", content: `def add(a, b):\n    return ${body}\n` },
  { path: "tests/__init__.py", content: "# tests\n" },
  { path: "tests/test_ops.py", content: "import unittest\nfrom calc.ops import add\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n    def test_zero(self):\n        self.assertEqual(add(0, 0), 0)\n" },
];

describe("running a generated project's tests in the sandbox", () => {
  it("counts passing python unittest tests", async () => {
    const report = await runProjectTests(pythonProject("a + b"), deps);
    expect(report).toMatchObject({ verdict: "PASS", runner: "python-unittest", passed: 2, failed: 0, total: 2 });
  });

  it("reports a failing python test and implicates the source file from the traceback", async () => {
    const report = await runProjectTests(pythonProject("a - b if a else 0"), deps);
    expect(report.verdict).toBe("FAIL");
    expect(report.failed).toBe(1);
    expect(report.passed).toBe(1);
    expect(report.failures[0]!.name).toContain("test_add");
    expect(report.implicatedFiles).toContain("tests/test_ops.py");
  });

  it("turns a syntax error into a build error naming the file", async () => {
    const report = await runProjectTests(pythonProject("a +"), deps);
    expect(report.verdict).toBe("FAIL");
    expect(report.buildErrors.join("\n")).toContain("calc/ops.py");
    expect(report.implicatedFiles).toEqual(["calc/ops.py"]);
  });

  it("runs node --test projects and counts failures", async () => {
    const files = [
      { path: "package.json", content: '{"type":"module"}\n' },
      { path: "src/greet.js", content: "export const greet = (name) => `hello ${name}`;\n" },
      { path: "test/greet.test.js", content: "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { greet } from '../src/greet.js';\ntest('greets', () => assert.equal(greet('a'), 'hello a'));\ntest('fails', () => assert.equal(greet('b'), 'bye b'));\n" },
    ];
    const report = await runProjectTests(files, deps);
    expect(report).toMatchObject({ verdict: "FAIL", runner: "node-test", passed: 1, failed: 1, total: 2 });
    expect(report.failures.map((failure) => failure.name)).toEqual(["fails"]);
  });

  it("kills a test run that never ends, with its whole process group", async () => {
    const files = [
      { path: "loop/__init__.py", content: "# loop\n" },
      { path: "tests/__init__.py", content: "# tests\n" },
      { path: "tests/test_loop.py", content: "import unittest, subprocess, sys\nclass T(unittest.TestCase):\n    def test_forever(self):\n        subprocess.Popen([sys.executable, '-c', 'while True: pass'])\n        while True: pass\n" },
    ];
    const report = await runProjectTests(files, { ...deps, limits: { ...deps.limits, timeoutMs: 2000 } });
    expect(report.timedOut).toBe(true);
    expect(report.verdict).toBe("FAIL");
    expect(execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })).not.toContain("while True: pass");
  });
});

describe("the sandbox network", () => {
  it("lets generated tests use loopback, with no other interface", async () => {
    const files = [
      { path: "package.json", content: '{"type":"module"}\n' },
      { path: "test/net.test.js", content: [
        "import test from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import http from 'node:http';",
        "test('loopback works', async () => {",
        "  const server = http.createServer((request, response) => response.end('ok'));",
        "  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));",
        "  const body = await (await fetch(`http://127.0.0.1:${server.address().port}/`)).text();",
        "  server.close();",
        "  assert.equal(body, 'ok');",
        "});",
        "test('only loopback exists', async () => {",
        "  const { networkInterfaces } = await import('node:os');",
        "  const names = Object.keys(networkInterfaces());",
        "  console.log(`interfaces=${names.join(',')}`);",
        "});",
        "",
      ].join("\n") },
    ];
    const report = await runProjectTests(files, deps);
    expect(report.sandbox.network).toBe(deps.capabilities.networkIsolation || deps.capabilities.bubblewrap ? "none" : "host");
    expect(report).toMatchObject({ verdict: "PASS", passed: 2, total: 2 });
    if (deps.capabilities.networkIsolation) expect(report.output).toContain("interfaces=lo\n");
  });
});
