import { afterEach, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { codeAgent } from "../../agents/code/agent.ts";
import { fileWriterAgent } from "../../agents/file-writer/agent.ts";
import { ModelError } from "../../errors/index.ts";
import type { FileJob } from "../../schemas/file-job.ts";
import type { Manifest } from "../../schemas/manifest.ts";
import { codeInput, entry, manifest, scenario, roundOneFiles } from "./support/code-fixture.ts";
import { startHandlerHarness, type HandlerHarness } from "./support/handler-harness.ts";

let harness: HandlerHarness | undefined;
afterEach(async () => {
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

const files = roundOneFiles;

async function runCode(raw: Record<string, unknown>) {
  const input = (codeAgent.input as ZodType<Parameters<typeof codeAgent.handle>[0]>).parse(raw);
  return codeAgent.handle(input, harness!.context({ jobId: `code-r${String(raw.round ?? 1)}` }));
}

const modelCallsFor = (file: string) => harness!.model.simulator.transcript().filter((item) => item.file === file);

describe("empty files", () => {
  it("writes an __init__.py the manifest declares empty (estimatedLines 0) as zero bytes, with no model call and no writer job", async () => {
    harness = await startHandlerHarness({ scenario: scenario(files) });
    const result = await runCode(codeInput());
    const marker = result.files.find((file) => file.path === "greet/__init__.py")!;
    expect(marker).toMatchObject({ bytes: 0, lines: 0, writer: "none", round: 1 });
    expect(harness.artifacts.get(marker.artifact)).toBe("");
    expect(modelCallsFor("greet/__init__.py")).toEqual([]);
    expect(harness.fileJobs.map((job) => job.input.path)).not.toContain("greet/__init__.py");
    expect(harness.eventsOfType("file.written").find((event) => event.data.path === "greet/__init__.py")!.data).toMatchObject({ empty: true, bytes: 0 });
  });

  it("regression: an __init__.py listed with lines whose model reply is empty is written empty after one call, not failed after many", async () => {
    const listed: Manifest = { ...manifest, files: manifest.files.map((item) => (item.path === "greet/__init__.py" ? { ...item, estimatedLines: 1 } : item)) };
    harness = await startHandlerHarness({ scenario: scenario({ ...files, "greet/__init__.py": "" }, listed) });
    const result = await runCode(codeInput());
    const marker = result.files.find((file) => file.path === "greet/__init__.py")!;
    expect(marker.bytes).toBe(0);
    expect(modelCallsFor("greet/__init__.py")).toHaveLength(1);
    expect(harness.eventsOfType("file.failed")).toEqual([]);
  });

  it("still refuses an empty reply for a file that should have content", async () => {
    harness = await startHandlerHarness({ scenario: scenario({ "greet/core.py": "" }) });
    const job: FileJob = { path: "greet/core.py", round: 1, entry: entry("greet/core.py"), sharedContext: "# Project" };
    const failure = await fileWriterAgent.handle(job, harness.context({ agent: "file-writer" })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelError);
    expect(failure).toMatchObject({ code: "empty_output" });
  });

  it("sends a declared-empty file to a writer when a gate names it, so a repair can give it content", async () => {
    harness = await startHandlerHarness({ scenario: scenario({ ...files, "greet/__init__.py": "from greet.core import greet\n" }) });
    const first = await runCode(codeInput());
    const feedback = { fromStage: "test", round: 1, summary: "ImportError", findings: [], files: ["greet/__init__.py"], failures: [{ name: "test_root", message: "ImportError: cannot import name 'greet' from 'greet'", file: "tests/test_core.py", line: 1 }] };
    const second = await runCode(codeInput({ round: 2, code: first, feedback }));
    expect(second.regenerated).toEqual(["greet/__init__.py"]);
    expect(modelCallsFor("greet/__init__.py")).toHaveLength(1);
    expect(harness.artifacts.get(second.files.find((file) => file.path === "greet/__init__.py")!.artifact)).toBe("from greet.core import greet\n");
  });
});
