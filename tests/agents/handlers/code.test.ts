import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { codeAgent } from "../../../agents/code/agent.ts";
import { fileWriterAgent } from "../../../agents/file-writer/agent.ts";
import { AspError } from "../../../errors/index.ts";
import type { RecordedModelCall } from "../../../llm/recording-model.ts";
import { createPromptStore } from "../../../prompts/prompt-store.ts";
import { codeInput, manifest } from "../support/code-fixture.ts";
import { promptsWithout } from "../support/handler-harness.ts";
import { startInMemoryAgents } from "./support/in-memory-agents.ts";

// Bytes a JSON round trip would mangle if anything escaped them: quotes, backslashes, a CRLF, a tab.
const trickySource = `def greet(name):\r\n    """Say "hello" to C:\\Users\\${"{name}"}"""\r\n\treturn 'Hello, ' + name + '!'\r\n`;
const goodTest = "from greet.core import greet\n\ndef test_greets():\n    assert greet('Ada') == 'Hello, Ada!'\n";
const guessedTest = "from greet.greeting import say_hello\n\ndef test_greets():\n    assert say_hello('Ada')\n";

/** The writer's model: the test file is written against greet() only when its prompt shows the source. */
function writerAnswer(call: RecordedModelCall): string {
  if (call.file === "greet/core.py") return trickySource;
  if (call.file === "requirements.txt") return "pytest>=8,<9\n";
  if (call.file === "tests/test_core.py") return call.prompt.includes("def greet(name)") ? goodTest : guessedTest;
  throw new Error(`no answer for ${call.file}`);
}

const script = { code: () => manifest, "file-writer": writerAnswer };
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("the code handler on the in-memory runtime", () => {
  it("publishes one file job per written manifest file and assembles the writers' raw contents byte for byte", async () => {
    const { runtime, model, deps } = startInMemoryAgents(script, [codeAgent, fileWriterAgent]);
    const result = await runtime.run(codeAgent, codeInput(), { runId: "run-1", jobId: "run-1-code-r1" });

    // greet/__init__.py is declared empty (0 lines): stored with no writer job and no model call.
    const fileJobs = runtime.deliveries.filter((delivery) => delivery.agent === "file-writer");
    expect(fileJobs).toHaveLength(3);
    expect(new Set(fileJobs.map((delivery) => delivery.jobId)).size).toBe(3);
    expect(model.callsOf("file-writer").map((call) => call.file).sort()).toEqual(["greet/core.py", "requirements.txt", "tests/test_core.py"]);

    expect(result.files.map((file) => file.path)).toEqual(manifest.files.map((entry) => entry.path));
    const core = result.files.find((file) => file.path === "greet/core.py")!;
    expect(core.sha256).toBe(sha256(trickySource));
    expect(await deps.artifacts.getText(core.artifact)).toBe(trickySource);
    const marker = result.files.find((file) => file.path === "greet/__init__.py")!;
    expect(marker).toMatchObject({ bytes: 0, writer: "none" });
    expect(runtime.eventsOfType("file.written", "run-1").map((event) => event.data.path).sort()).toEqual(manifest.files.map((entry) => entry.path).sort());
  });

  it("gives the test file's writer the source it imports, written earlier in the round", async () => {
    const { runtime, model, deps } = startInMemoryAgents(script, [codeAgent, fileWriterAgent]);
    const result = await runtime.run(codeAgent, codeInput());
    const testCall = model.callsOf("file-writer").find((call) => call.file === "tests/test_core.py")!;
    expect(testCall.prompt).toContain(trickySource);
    // The manifest's call told the model the task and the design it plans files for.
    expect(model.callsOf("code")[0]!.prompt).toContain("greet(name) returns 'Hello, <name>!'");
    const test = result.files.find((file) => file.path === "tests/test_core.py")!;
    expect(await deps.artifacts.getText(test.artifact)).toBe(goodTest);
  });

  it("negative control: without the dependency files in the writer's prompt, the test is written against a guessed API", async () => {
    await using prompts = await promptsWithout("file-writer/user", "dependencyFiles");
    const { runtime, model, deps } = startInMemoryAgents(script, [codeAgent, fileWriterAgent], { prompts: createPromptStore(prompts.directory) });
    const result = await runtime.run(codeAgent, codeInput());
    const testCall = model.callsOf("file-writer").find((call) => call.file === "tests/test_core.py")!;
    expect(testCall.prompt).not.toContain("def greet(name)");
    const test = result.files.find((file) => file.path === "tests/test_core.py")!;
    expect(await deps.artifacts.getText(test.artifact)).toBe(guessedTest);
  });

  it("asks again for a file whose writer fails, under a fresh job id, and fails the round with files_failed after three attempts", async () => {
    const failing = { ...script, "file-writer": (call: RecordedModelCall) => (call.file === "greet/core.py" ? "" : writerAnswer(call)) };
    // One delivery per file job, so the count below is the code agent's own attempts.
    const { runtime } = startInMemoryAgents(failing, [codeAgent, [fileWriterAgent, { maxDeliver: 1 }]]);
    const failure = await runtime.run(codeAgent, codeInput(), { jobId: "code-job" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AspError);
    expect(failure).toMatchObject({ code: "files_failed", retryable: false });
    expect((failure as Error).message).toContain("greet/core.py");
    const coreJobs = runtime.deliveries.filter((delivery) => delivery.agent === "file-writer" && delivery.outcome === "dead_letter");
    expect(coreJobs.map((delivery) => delivery.jobId.replace(/-f[0-9a-f]+-/, "-f…-"))).toEqual(["code-job-f…-a1", "code-job-f…-a2", "code-job-f…-a3"]);
    expect(runtime.eventsOfType("file.failed").map((event) => event.data.attempt)).toEqual([1, 2, 3]);
    // The code job itself is not redelivered: files_failed is not retryable.
    expect(runtime.deliveries.filter((delivery) => delivery.agent === "code").map((delivery) => delivery.outcome)).toEqual(["dead_letter"]);
  });

  it("in round 2 rewrites only the file a finding names, showing its writer the finding and the file's round-1 content", async () => {
    const { runtime, model } = startInMemoryAgents(script, [codeAgent, fileWriterAgent]);
    const first = await runtime.run(codeAgent, codeInput(), { jobId: "code-r1" });
    const before = model.calls.length;
    const feedback = {
      fromStage: "code-review",
      round: 1,
      summary: "one finding",
      findings: [{ id: "CR-1", severity: "high", category: "correctness", description: "an empty name is not refused", file: "greet/core.py", target: "code" }],
      files: ["greet/core.py"],
    };
    const second = await runtime.run(codeAgent, codeInput({ round: 2, code: first, feedback }), { jobId: "code-r2" });
    const rewritten = model.calls.slice(before).filter((call) => call.agent === "file-writer");
    expect(rewritten.map((call) => call.file)).toEqual(["greet/core.py"]);
    expect(rewritten[0]!.prompt).toContain("CR-1");
    expect(rewritten[0]!.prompt).toContain(trickySource);
    expect(second.regenerated).toEqual(["greet/core.py"]);
    expect(second.files.find((file) => file.path === "tests/test_core.py")).toEqual(first.files.find((file) => file.path === "tests/test_core.py"));
  });
});
