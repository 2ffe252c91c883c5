import { describe, expect, it } from "vitest";
import { testAgent } from "../../../agents/tester/agent.ts";
import { createInMemoryRuntime } from "../../../bus/in-memory-runtime.ts";
import { createInMemoryAgentDeps } from "../../../agents/shared/in-memory-agent-deps.ts";
import { createRecordingModel } from "../../../llm/recording-model.ts";
import type { CodeResult } from "../../../schemas/file-job.ts";
import { task } from "../support/code-fixture.ts";
import { testRunDeps } from "../support/test-run-deps.ts";

const source = "def greet(name):\n    if not name:\n        raise ValueError('name is empty')\n    return f'Hello, {name}!'\n";
const brokenSource = "def greet(name):\n    return f'Hello, {name}!'\n";
const tests = "import unittest\n\nfrom greet.core import greet\n\n\nclass GreetTest(unittest.TestCase):\n    def test_greets(self):\n        self.assertEqual(greet('Ada'), 'Hello, Ada!')\n\n    def test_empty_name(self):\n        with self.assertRaises(ValueError):\n            greet('')\n";

/** The test agent with its real sandbox, and the project's files in the in-memory artifact store. */
async function testProject(files: Record<string, string>) {
  const runtime = createInMemoryRuntime();
  // The test agent makes no model call: a script with no answers makes any call fail loudly.
  const deps = createInMemoryAgentDeps(runtime, { model: createRecordingModel({}) });
  runtime.register(testAgent, { ...deps, sandbox: testRunDeps({ timeoutMs: 60_000 }) }, { maxDeliver: 1 });
  const generated = [];
  for (const [path, content] of Object.entries(files)) {
    const artifact = `run-1/files/r1/${path}`;
    await deps.artifacts.put(artifact, content);
    generated.push({ path, type: path.startsWith("tests/") ? "test" : "source", bytes: content.length, lines: content.split("\n").length, sha256: "0".repeat(64), round: 1, writer: "w", artifact });
  }
  const code: CodeResult = {
    manifest: { language: "python", files: generated.map((file) => ({ path: file.path, type: file.type as "source", purpose: "p", unitId: "u", componentId: "c", estimatedLines: file.lines, dependsOn: [] })) },
    files: generated,
    round: 1,
    regenerated: generated.map((file) => file.path),
    warnings: [],
  };
  const report = await runtime.run(testAgent, { runId: "run-1", task, stage: "test", round: 1, reviewers: [], code }, { timeoutMs: 120_000 });
  return { runtime, report };
}

describe("the test handler on the in-memory runtime", () => {
  it("runs a Python project's unittest suite for real and reports every test passed", async () => {
    const { report, runtime } = await testProject({ "greet/__init__.py": "", "greet/core.py": source, "tests/__init__.py": "", "tests/test_core.py": tests });
    expect(report).toMatchObject({ verdict: "PASS", passed: 2, failed: 0, total: 2 });
    expect(runtime.eventsOfType("tests.finished")[0]?.data).toMatchObject({ verdict: "PASS", passed: 2, total: 2 });
  }, 120_000);

  it("reports the failing test with its file and line, and the file it implicates", async () => {
    const { report } = await testProject({ "greet/__init__.py": "", "greet/core.py": brokenSource, "tests/__init__.py": "", "tests/test_core.py": tests });
    expect(report).toMatchObject({ verdict: "FAIL", passed: 1, failed: 1, total: 2 });
    expect(report.failures).toEqual([expect.objectContaining({ name: expect.stringContaining("test_empty_name"), file: "tests/test_core.py", line: 11 })]);
    expect(report.implicatedFiles).toEqual(expect.arrayContaining(["tests/test_core.py"]));
  }, 120_000);

  it("fails the job when a file's artifact is missing, rather than testing part of the project", async () => {
    const runtime = createInMemoryRuntime();
    const deps = createInMemoryAgentDeps(runtime, { model: createRecordingModel({}) });
    runtime.register(testAgent, { ...deps, sandbox: testRunDeps() }, { maxDeliver: 1 });
    const code: CodeResult = {
      manifest: { language: "python", files: [] },
      files: [{ path: "greet/core.py", type: "source", bytes: 1, lines: 1, sha256: "0".repeat(64), round: 1, writer: "w", artifact: "run-1/files/r1/greet/core.py" }],
      round: 1,
      regenerated: [],
      warnings: [],
    };
    await expect(runtime.run(testAgent, { runId: "run-1", task, stage: "test", round: 1, reviewers: [], code })).rejects.toThrow(/artifact run-1\/files\/r1\/greet\/core.py for greet\/core.py is missing/);
  });
});
