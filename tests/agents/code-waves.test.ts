import { afterEach, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { codeAgent } from "../../agents/code/agent.ts";
import { planWaves } from "../../agents/code/waves.ts";
import { readAgentConfig } from "../../agents/shared/agent-config.ts";
import type { CodeResult } from "../../schemas/file-job.ts";
import type { Manifest } from "../../schemas/manifest.ts";
import { codeInput, entry, manifest, scenario, sourceRoundOne, testText } from "./support/code-fixture.ts";
import { startHandlerHarness, type HandlerHarness } from "./support/handler-harness.ts";

let harness: HandlerHarness | undefined;
afterEach(async () => {
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

const paths = (waves: Array<Array<{ path: string }>>) => waves.map((wave) => wave.map((item) => item.path));

async function runCode(raw: Record<string, unknown>): Promise<CodeResult> {
  const input = (codeAgent.input as ZodType<Parameters<typeof codeAgent.handle>[0]>).parse(raw);
  return codeAgent.handle(input, harness!.context({ jobId: `code-${String(raw.round ?? 1)}` }));
}

describe("waves along dependsOn", () => {
  it("layers files after the files they depend on, longest first within a wave", () => {
    const plan = planWaves([
      entry("tests/test_b.py", { type: "test", dependsOn: ["b.py"], estimatedLines: 50 }),
      entry("b.py", { dependsOn: ["a.py"], estimatedLines: 5 }),
      entry("a.py", { estimatedLines: 3 }),
      entry("c.py", { estimatedLines: 30 }),
    ]);
    expect(plan.cycle).toBeUndefined();
    expect(paths(plan.waves)).toEqual([["c.py", "a.py"], ["b.py"], ["tests/test_b.py"]]);
  });

  it("ignores a dependency that is not written in this round: its content already exists", () => {
    const plan = planWaves([entry("tests/test_b.py", { type: "test", dependsOn: ["b.py"] })]);
    expect(paths(plan.waves)).toEqual([["tests/test_b.py"]]);
  });

  it("falls back to one wave on a cycle and names the cycle", () => {
    const plan = planWaves([entry("a.py", { dependsOn: ["b.py"] }), entry("b.py", { dependsOn: ["c.py"] }), entry("c.py", { dependsOn: ["a.py"], estimatedLines: 90 }), entry("d.py")]);
    expect(paths(plan.waves)).toEqual([["c.py", "a.py", "b.py", "d.py"]]);
    expect(plan.cycle).toEqual(["a.py", "b.py", "c.py", "a.py"]);
  });
});

describe("the code agent writes in waves", () => {
  it("gives a test the real content of the source it tests, written in an earlier wave", async () => {
    harness = await startHandlerHarness({
      scenario: scenario({ "greet/core.py": sourceRoundOne, "tests/test_core.py": testText, "requirements.txt": "pytest>=8,<9\n" }),
    });
    const result = await runCode(codeInput());

    expect(harness.eventsOfType("code.waves").map((event) => event.data)).toEqual([
      { round: 1, order: "waves", waves: [["greet/core.py", "requirements.txt", "greet/__init__.py"], ["tests/test_core.py"]], fallback: false },
    ]);
    expect(harness.eventsOfType("code.cycle")).toEqual([]);

    // The test's job waited for the source's writer to finish, and carries its content.
    const jobOf = (path: string) => harness!.fileJobs.find((job) => job.input.path === path)!;
    expect(jobOf("tests/test_core.py").started).toBeGreaterThan(jobOf("greet/core.py").finished!);
    expect(jobOf("tests/test_core.py").input.dependencyFiles).toEqual([
      { path: "greet/core.py", content: sourceRoundOne },
      { path: "greet/__init__.py", content: "" },
    ]);
    // ...and so does the model's request.
    const [testRequest] = harness.fileRequests("tests/test_core.py");
    expect(testRequest!.text).toContain(`<file path="greet/core.py">\n${sourceRoundOne}</file>`);
    // Writers see the requirements.
    expect(testRequest!.text).toContain("an empty name raises ValueError");
    expect(result.files.map((file) => file.path)).toEqual(manifest.files.map((file) => file.path));
  });

  it("writes every file at once when ASP_CODE_WRITE_ORDER is all-at-once: the test then sees no new source", async () => {
    harness = await startHandlerHarness({
      scenario: scenario({ "greet/core.py": sourceRoundOne, "tests/test_core.py": testText, "requirements.txt": "pytest>=8,<9\n" }),
      codeWriteOrder: readAgentConfig({ ASP_CODE_WRITE_ORDER: "all-at-once" }).codeWriteOrder,
    });
    await runCode(codeInput());
    expect(harness.eventsOfType("code.waves").map((event) => event.data)).toEqual([
      { round: 1, order: "all-at-once", waves: [["tests/test_core.py", "greet/core.py", "requirements.txt", "greet/__init__.py"]], fallback: false },
    ]);
    const test = harness.fileJobs.find((job) => job.input.path === "tests/test_core.py")!;
    expect(test.input.dependencyFiles ?? []).toEqual([]);
    expect(() => readAgentConfig({ ASP_CODE_WRITE_ORDER: "random" })).toThrow(/ASP_CODE_WRITE_ORDER must be one of waves, all-at-once/);
  });

  it("hands a dependency file the design's packages with their versions", async () => {
    harness = await startHandlerHarness({ scenario: scenario({ "greet/core.py": sourceRoundOne, "tests/test_core.py": testText, "requirements.txt": "pytest>=8,<9\n" }) });
    await runCode(codeInput());
    const [request] = harness.fileRequests("requirements.txt");
    expect(request!.text).toContain("`requirements.txt` is a dependency file");
    expect(request!.text).toContain("- pytest >=8,<9 (pypi, dev only): runs the tests");
    expect(harness.fileJobs.find((job) => job.input.path === "greet/core.py")!.input.packages).toEqual([]);
  });

  it("falls back to one wave on a dependency cycle and says so in code.cycle", async () => {
    const cyclic: Manifest = {
      language: "python",
      files: [entry("a.py", { dependsOn: ["b.py"] }), entry("b.py", { dependsOn: ["a.py"] }), entry("tests/test_a.py", { type: "test", dependsOn: ["a.py"] })],
    };
    harness = await startHandlerHarness({ scenario: scenario({ "a.py": "import b\n", "b.py": "import a\n", "tests/test_a.py": "import a\n" }, cyclic) });
    const result = await runCode(codeInput({ design: { ...codeInput().design, packages: [] } }));
    expect(harness.eventsOfType("code.cycle").map((event) => event.data)).toEqual([
      expect.objectContaining({ round: 1, cycle: ["a.py", "b.py", "a.py"], reason: expect.stringContaining("one wave") }),
    ]);
    expect(harness.eventsOfType("code.waves")[0]!.data).toMatchObject({ fallback: true, waves: [["a.py", "b.py", "tests/test_a.py"]] });
    expect(result.files).toHaveLength(3);
  });
});
