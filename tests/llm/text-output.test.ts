import { describe, expect, it } from "vitest";
import { startSimulatedModel } from "./support/simulated-model.ts";
import { trickyPython } from "./support/tricky-text.ts";

describe("raw text over the simulator", () => {
  for (const streaming of [true, false]) {
    const mode = streaming ? "streaming" : "non-streaming";

    it(`returns the file byte for byte (${mode})`, async () => {
      await using model = await startSimulatedModel({ streaming, scenario: { name: "plain", files: { "app/greet.py": trickyPython } } });
      const result = await model.client.text({ agent: "file-writer", file: "app/greet.py", system: "Write the file.", prompt: "greet.py" });
      expect(result.text).toBe(trickyPython);
      expect(result.continuations).toBe(0);
      expect(result.calls).toHaveLength(1);
      expect(result.calls[0]).toMatchObject({ purpose: "text", file: "app/greet.py", ok: true, stopReason: "end_turn", streaming });
    });

    it(`strips one wrapping fence (${mode})`, async () => {
      await using model = await startSimulatedModel({
        streaming,
        scenario: { name: "fenced", files: { "app/greet.py": trickyPython }, faults: { script: [{ kind: "fenced_file", file: "app/greet.py" }] } },
      });
      const result = await model.client.text({ agent: "file-writer", file: "app/greet.py", system: "Write the file.", prompt: "greet.py" });
      expect(model.simulator.transcript()[0]?.fault).toBe("fenced_file");
      expect(result.text).toBe(trickyPython);
    });
  }

  it("fails with output_truncated when continuations run out", async () => {
    // No thinking allowance: the simulator's replies carry no thinking, and this test cuts on max_tokens itself.
    await using model = await startSimulatedModel({ env: { ASP_LLM_THINKING_TOKENS: "0" }, scenario: { name: "small", files: { "app/greet.py": trickyPython } } });
    const failure = await model.client
      .text({ agent: "file-writer", file: "app/greet.py", system: "s", prompt: "p", maxTokens: 10, maxContinuations: 1 })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: "ModelError", code: "output_truncated", retryable: false });
    expect(model.simulator.transcript()).toHaveLength(2);
  });

  it("fails with empty_output when the model returns only whitespace", async () => {
    await using model = await startSimulatedModel({ scenario: { name: "empty", files: { "app/empty.py": "  \n\n" } } });
    const failure = await model.client.text({ agent: "file-writer", file: "app/empty.py", system: "s", prompt: "p" }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: "ModelError", code: "empty_output" });
  });

  it("sends the routing headers the simulator keys on (file and round)", async () => {
    await using model = await startSimulatedModel({ scenario: { name: "rounds", files: { "a.txt": ["first\n", "second\n"] } } });
    const second = await model.client.text({ agent: "file-writer", file: "a.txt", round: 2, runId: "run-1", system: "s", prompt: "p" });
    expect(second.text).toBe("second\n");
    expect(model.simulator.transcript()[0]).toMatchObject({ file: "a.txt", round: 2, runId: "run-1", agent: "file-writer" });
  });
});
