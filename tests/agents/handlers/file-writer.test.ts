import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonCodec, toCodec } from "../../../bus/codec.ts";
import { fileWriterAgent } from "../../../agents/file-writer/agent.ts";
import { ModelError, ValidationError } from "../../../errors/index.ts";
import type { RecordedModelCall } from "../../../llm/recording-model.ts";
import type { FileJob } from "../../../schemas/file-job.ts";
import { entry } from "../support/code-fixture.ts";
import { startInMemoryAgents } from "./support/in-memory-agents.ts";

const source = 'def greet(name):\r\n    return "Hello, \\"" + name + "\\"!"\r\n';

function fileJob(overrides: Partial<FileJob> = {}): FileJob {
  return {
    path: "greet/core.py",
    round: 1,
    entry: entry("greet/core.py", { estimatedLines: 12 }),
    language: "python",
    sharedContext: "Requirements: greet(name) returns 'Hello, <name>!'",
    failingTests: [],
    dependencyFiles: [],
    packages: [],
    ...overrides,
  };
}

describe("the file-writer handler on the in-memory runtime", () => {
  it("returns the model's raw content, fence stripped, with its path, size and checksum in the metadata", async () => {
    const { runtime, model } = startInMemoryAgents({ "file-writer": () => "```python\n" + source + "```\n" }, [fileWriterAgent]);
    const result = await runtime.run(fileWriterAgent, fileJob());
    expect(result.content).toBe(source);
    expect(result.metadata).toMatchObject({
      path: "greet/core.py",
      bytes: String(Buffer.byteLength(source)),
      sha256: createHash("sha256").update(source).digest("hex"),
      writer: "file-writer-memory",
      continuations: "0",
    });
    const call = model.callsOf("file-writer")[0]!;
    expect(call).toMatchObject({ kind: "text", file: "greet/core.py", round: 1, allowEmpty: false });
    // The round's shared context goes in the cached block, the file's own request in the prompt.
    expect(call.cachedContext).toContain("greet(name) returns");
    expect(call.prompt).toContain("Write the file `greet/core.py`");
  });

  it("rejects an empty reply for a file that should have content, retrying the job until its deliveries run out", async () => {
    const { runtime, model } = startInMemoryAgents({ "file-writer": () => "" }, [[fileWriterAgent, { maxDeliver: 2 }]]);
    const failure = await runtime.run(fileWriterAgent, fileJob()).catch((error: unknown) => error);
    // Rebuilt as its class after the crossing, code and retryable flag kept.
    expect(failure).toBeInstanceOf(ModelError);
    expect(failure).toMatchObject({ code: "empty_output", retryable: true });
    expect(model.calls).toHaveLength(2);
    expect(runtime.deliveries.map((delivery) => delivery.outcome)).toEqual(["retried", "dead_letter"]);
  });

  it("accepts an empty reply for a file the manifest declares empty", async () => {
    const { runtime, model } = startInMemoryAgents({ "file-writer": () => "" }, [fileWriterAgent]);
    const result = await runtime.run(fileWriterAgent, fileJob({ path: "greet/__init__.py", entry: entry("greet/__init__.py", { estimatedLines: 0 }) }));
    expect(result.content).toBe("");
    expect(model.calls[0]!.allowEmpty).toBe(true);
  });

  it("refuses binary content as a validation error, without a second delivery", async () => {
    const { runtime } = startInMemoryAgents({ "file-writer": () => "ok\u0000binary" }, [fileWriterAgent]);
    const failure = await runtime.run(fileWriterAgent, fileJob()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect(failure).toMatchObject({ code: "file_binary" });
    expect(runtime.deliveries).toHaveLength(1);
  });

  it("tells the model the finding, the failing test and the file's previous content of a repair round", async () => {
    const answer = (call: RecordedModelCall) => (call.prompt.includes("CR-7") && call.prompt.includes("test_empty_name") ? source : "print('unchanged')\n");
    const { runtime, model } = startInMemoryAgents({ "file-writer": answer }, [fileWriterAgent]);
    const result = await runtime.run(
      fileWriterAgent,
      fileJob({
        round: 2,
        feedback: "- [high CR-7] greet/core.py:2: an empty name is not refused",
        failingTests: [{ name: "test_empty_name", file: "tests/test_core.py", line: 9, message: "ValueError not raised" }],
        previousContent: "def greet(name):\n    return 'Hello'\n",
      }),
    );
    expect(result.content).toBe(source);
    expect(model.calls[0]!.prompt).toContain("ValueError not raised");
    expect(model.calls[0]!.prompt).toContain("return 'Hello'");
  });

  it("refuses a job that fails the file-job schema before any model call", async () => {
    const { runtime, model } = startInMemoryAgents({ "file-writer": () => source }, [fileWriterAgent]);
    const failure = await runtime.jobs
      .request("file-writer", { path: "" }, { runId: "run-1", jobId: "bad", inputCodec: jsonCodec(z.unknown()), outputCodec: toCodec(fileWriterAgent.output), timeoutMs: 5000 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect(model.calls).toHaveLength(0);
    expect(runtime.deliveries.map((delivery) => delivery.outcome)).toEqual(["rejected"]);
  });
});
