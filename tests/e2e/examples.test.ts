import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TestReport } from "../../schemas/test-report.ts";
import { loadExampleScenario } from "./support/example-scenarios.ts";
import { eventsOfType, startPipelineHarness, type PipelineHarness, type RunOutcome } from "./support/pipeline-harness.ts";

// Pinned as in tests/examples/examples.test.ts: every test of the generated project must run and pass.
const examples = [
  { name: "hello-python", runner: "python-unittest", tests: 14 },
  { name: "hello-http-js", runner: "node-test", tests: 9 },
  { name: "service-js", runner: "node-test", tests: 35 },
  { name: "hostile-python", runner: "python-unittest", tests: 29 },
  // Projects with dependencies: installed in the sandbox (network on), then type-checked, linted and tested with none.
  { name: "fastapi-hello", runner: "pytest", tests: 12 },
  { name: "ts-service", runner: "npm-test", tests: 12 },
  { name: "go-roman", runner: "go-test", tests: 9 },
];

/** What each example with third-party packages must install: the tool of every install step, in order. */
const installs: Record<string, string[]> = {
  "fastapi-hello": ["venv", "pip"],
  "ts-service": ["npm"],
};

// A run takes seconds alone, but the machine is shared, and the examples with dependencies install them
// (a cold download cache fetches from the registries): leave room beyond the 60 s default.
vi.setConfig({ testTimeout: 300_000 });

let harness: PipelineHarness;
const outcomes = new Map<string, RunOutcome>();

async function runExample(name: string): Promise<RunOutcome> {
  const scenario = await loadExampleScenario(name);
  harness.setScenario(scenario.data());
  const outcome = await harness.run(scenario.task);
  outcomes.set(name, outcome);
  return outcome;
}

beforeAll(async () => {
  harness = await startPipelineHarness({ scenario: (await loadExampleScenario("hello-python")).data(), writers: 3 });
}, 300_000);

afterAll(async () => {
  await harness?.[Symbol.asyncDispose]();
});

describe("every bundled example passes through the whole pipeline", () => {
  it.each(examples)("$name passes with all $tests tests and byte-identical files", async (example) => {
    const scenario = await loadExampleScenario(example.name);
    const data = scenario.data();
    const outcome = await runExample(example.name);

    expect(outcome.summary.reason).toBeUndefined();
    expect(outcome.summary.status).toBe("passed");
    const report = outcome.state.outputs.testReport as TestReport;
    expect(report.verdict).toBe("PASS");
    expect(report.runner).toBe(example.runner);
    expect(report.total).toBe(example.tests);
    expect(report.passed).toBe(example.tests);
    expect(report.failed).toBe(0);

    const expectedPaths = Object.keys(data.files).sort();
    expect([...outcome.files.keys()].sort()).toEqual(expectedPaths);
    for (const [filePath, text] of Object.entries(data.files)) {
      expect(typeof text, `${filePath} has one text in the happy path`).toBe("string");
      const written = outcome.files.get(filePath)!;
      // Byte for byte: a Buffer comparison, not a string one that could hide a normalisation.
      expect(written.equals(Buffer.from(text as string, "utf8")), `${filePath} differs from the scenario text`).toBe(true);
    }
    // Dependencies are installed in the sandbox, and the tests then run with no network at all.
    const expectedInstall = installs[example.name] ?? [];
    expect(report.install.steps.map((step) => step.tool)).toEqual(expectedInstall);
    for (const step of report.install.steps) expect(step.ok, `${step.command}: ${step.message ?? ""}`).toBe(true);
    // Every example's tests ran with no network, whether or not an install step had it.
    expect(report.sandbox.network).toBe("none");
    if (expectedInstall.length > 0) expect(report.compile.findings.filter((finding) => finding.severity === "error")).toEqual([]);
    // One round: every file written once, and the summary counts them.
    expect(eventsOfType(outcome.events, "file.written")).toHaveLength(expectedPaths.length);
    expect(outcome.summary.files).toBe(expectedPaths.length);
  });
});

describe("regression: hostile file content survives the bus byte for byte", () => {
  it("keeps CRLF, tabs, a trailing space and non-ASCII text exactly", async () => {
    // The run of the test above when it ran; its own run otherwise.
    const outcome = outcomes.get("hostile-python") ?? (await runExample("hostile-python"));
    expect(outcome.summary.status).toBe("passed");

    const paths = outcome.files.get("hostile/paths.py")!;
    const crlfCount = paths.toString("latin1").split("\r\n").length - 1;
    expect(crlfCount).toBeGreaterThan(10);
    expect(paths.toString("latin1").replaceAll("\r\n", "")).not.toContain("\n");

    const formatting = outcome.files.get("hostile/formatting.py")!.toString("utf8");
    expect(formatting.split("\n").some((line) => line.startsWith("\t\t\t"))).toBe(true);
    expect(formatting.split("\n").some((line) => line.startsWith(" "))).toBe(false);

    const unicode = outcome.files.get("hostile/unicode_text.py")!;
    expect(unicode.toString("utf8").split("\n")).toContain('BANNER = """∑ résumé ');
    // "é" as the two UTF-8 bytes C3 A9, not as a replacement character or an escape.
    expect(unicode.includes(Buffer.from([0xc3, 0xa9]))).toBe(true);
    expect(unicode.includes(Buffer.from([0xef, 0xbf, 0xbd]))).toBe(false);
  });
});
