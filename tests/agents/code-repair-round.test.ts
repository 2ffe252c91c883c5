import { afterEach, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { codeAgent } from "../../agents/code/agent.ts";
import { feedbackFromGate } from "../../agents/orchestrator/feedback.ts";
import type { CodeResult } from "../../schemas/file-job.ts";
import { codeInput, scenario, sourceRoundOne, sourceRoundTwo, testText } from "./support/code-fixture.ts";
import { startHandlerHarness, type HandlerHarness } from "./support/handler-harness.ts";

let harness: HandlerHarness | undefined;
afterEach(async () => {
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

async function runCode(raw: Record<string, unknown>): Promise<CodeResult> {
  const input = (codeAgent.input as ZodType<Parameters<typeof codeAgent.handle>[0]>).parse(raw);
  return codeAgent.handle(input, harness!.context({ jobId: `code-r${String(raw.round)}` }));
}

const testRoundTwo = `${testText}\n# round 2\n`;
/** A marker only the raw output holds: the writers get the structured failure, not the tail. */
const outputMarker = "=== short test summary info (raw runner output) ===";

const failedReport = {
  verdict: "FAIL",
  runner: "pytest",
  command: "python -m pytest",
  passed: 1,
  failed: 1,
  total: 2,
  buildErrors: [],
  failures: [{ name: "tests/test_core.py::test_empty_name", message: "Failed: DID NOT RAISE <class 'ValueError'>", file: "tests/test_core.py", line: 8, runner: "pytest" }],
  implicatedFiles: ["tests/test_core.py"],
  exitCode: 1,
  timedOut: false,
  durationMs: 120,
  sandbox: { network: "none", limits: {} },
  output: `${"x".repeat(5000)}\n${outputMarker}\nFAILED tests/test_core.py::test_empty_name`,
};

describe("a repair round after failing tests", () => {
  it("rewrites the failing test after its source, and shows it the NEW source and the failure's name, message and file:line", async () => {
    harness = await startHandlerHarness({
      scenario: scenario({ "greet/core.py": [sourceRoundOne, sourceRoundTwo], "tests/test_core.py": [testText, testRoundTwo], "requirements.txt": "pytest>=8,<9\n" }),
    });
    const first = await runCode(codeInput());
    const feedback = feedbackFromGate("test", 1, failedReport);
    const second = await runCode(codeInput({ round: 2, code: first, feedback }));

    // The implicated test and the source it depends on are rewritten; the empty marker and requirements.txt are not.
    expect(second.regenerated.sort()).toEqual(["greet/core.py", "tests/test_core.py"]);
    expect(harness.eventsOfType("code.waves").at(-1)!.data).toEqual({ round: 2, order: "waves", waves: [["greet/core.py"], ["tests/test_core.py"]], fallback: false });

    const testRequest = harness.fileRequests("tests/test_core.py").find((request) => request.round === 2)!;
    expect(testRequest.text).toContain(`<file path="greet/core.py">\n${sourceRoundTwo}</file>`);
    expect(testRequest.text).not.toContain(sourceRoundOne);
    // A dependency not rewritten this round comes from the previous round's artifact.
    expect(testRequest.text).toContain('<file path="greet/__init__.py">\n</file>');
    expect(testRequest.text).toContain("tests/test_core.py::test_empty_name at tests/test_core.py:8 [pytest]");
    expect(testRequest.text).toContain("Failed: DID NOT RAISE <class 'ValueError'>");
    expect(testRequest.text).toContain(`<previous>\n${testText}</previous>`);
    expect(testRequest.text).not.toContain(outputMarker);

    // The source's writer sees the failure of the test that depends on it, and its own previous version.
    const sourceRequest = harness.fileRequests("greet/core.py").find((request) => request.round === 2)!;
    expect(sourceRequest.text).toContain("tests/test_core.py::test_empty_name at tests/test_core.py:8");
    expect(sourceRequest.text).toContain(`<previous>\n${sourceRoundOne}</previous>`);

    // The result keeps round-1 files that were not rewritten.
    const rounds = Object.fromEntries(second.files.map((file) => [file.path, file.round]));
    expect(rounds).toEqual({ "tests/test_core.py": 2, "greet/__init__.py": 1, "greet/core.py": 2, "requirements.txt": 1 });
    expect(harness.artifacts.get(second.files.find((file) => file.path === "greet/core.py")!.artifact)).toBe(sourceRoundTwo);
  });

  it("a failure in another test file is not shown to an unrelated file's writer", async () => {
    harness = await startHandlerHarness({ scenario: scenario({ "greet/core.py": sourceRoundOne, "tests/test_core.py": testText, "requirements.txt": "pytest>=8,<9\n" }) });
    const first = await runCode(codeInput());
    const report = {
      ...failedReport,
      failures: [{ name: "test_pinned", message: "pytest is not pinned", file: "tests/test_core.py", line: 2 }, { name: "test_unplaced", message: "crashed without a location" }],
      implicatedFiles: ["requirements.txt"],
    };
    await runCode(codeInput({ round: 2, code: first, feedback: feedbackFromGate("test", 1, report) }));
    const requirementsJob = harness.fileJobs.find((job) => job.input.path === "requirements.txt" && job.input.round === 2)!;
    // requirements.txt is not something tests/test_core.py depends on; the failure with no file concerns everyone.
    expect(requirementsJob.input.failingTests).toEqual([{ name: "test_unplaced", message: "crashed without a location" }]);
  });
});
