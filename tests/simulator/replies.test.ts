import { describe, expect, it } from "vitest";
import { startModelSimulator, type ScenarioInput } from "../../simulator/index.ts";
import { clientFor, fileRequest, structuredRequest, textOf } from "./simulator-client.ts";

const plan = { units: [{ name: "parser" }], summary: "one unit" };
const scenario: ScenarioInput = {
  name: "replies",
  agents: {
    planning: plan,
    design: [{ version: 1 }, { version: 2 }],
    "design-review": { verdict: "PASS" },
    "design-review:security": { verdict: "FAIL" },
  },
  files: {
    "src/app.py": "print('hi')\n",
    "src/util.py": ["round 1 text", "round 2 text"],
  },
};

describe("scenario replies through the real SDK", () => {
  it("answers a forced tool call with the scenario input, non-streaming", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const message = await clientFor(simulator, { "x-asp-agent": "planning" }).messages.create(structuredRequest());
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toHaveLength(1);
    const block = message.content[0]!;
    expect(block.type).toBe("tool_use");
    if (block.type !== "tool_use") throw new Error("expected tool_use");
    expect(block.name).toBe("submit_plan");
    expect(block.input).toEqual(plan);
    expect(message.model).toBe("claude-sonnet-4-6");
    expect(message.id).toMatch(/^msg_/);
  });

  it("streams a tool call whose final message carries the input", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, { "x-asp-agent": "planning" });
    const stream = client.messages.stream(structuredRequest());
    const deltas: string[] = [];
    stream.on("inputJson", (partial) => deltas.push(partial));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe("tool_use");
    const block = message.content[0]!;
    if (block.type !== "tool_use") throw new Error("expected tool_use");
    expect(block.input).toEqual(plan);
    expect(deltas.join("")).toBe(JSON.stringify(plan));
    expect(message.usage.output_tokens).toBe(Math.ceil(JSON.stringify(plan).length / 4));
  });

  it("answers a file request with raw text, both modes", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, { "x-asp-file": "src/app.py" });
    const whole = await client.messages.create(fileRequest());
    expect(whole.stop_reason).toBe("end_turn");
    expect(textOf(whole)).toBe("print('hi')\n");
    const streamed = await client.messages.stream({ ...fileRequest(), stream: true }).finalMessage();
    expect(textOf(streamed)).toBe("print('hi')\n");
    expect(streamed.stop_reason).toBe("end_turn");
  });

  it("hands out per-call lists in order, repeating the last, counted per run", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const design = async (run: string) => {
      const message = await clientFor(simulator, { "x-asp-agent": "design", "x-asp-run": run }).messages.create(structuredRequest());
      const block = message.content[0]!;
      return block.type === "tool_use" ? block.input : undefined;
    };
    expect(await design("run-a")).toEqual({ version: 1 });
    expect(await design("run-a")).toEqual({ version: 2 });
    expect(await design("run-b")).toEqual({ version: 1 });
    expect(await design("run-a")).toEqual({ version: 2 });
  });

  it("picks file text by x-asp-round, or counts rounds per run without it", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const file = async (headers: Record<string, string>) =>
      textOf(await clientFor(simulator, { "x-asp-file": "src/util.py", ...headers }).messages.create(fileRequest()));
    expect(await file({ "x-asp-round": "2" })).toBe("round 2 text");
    expect(await file({ "x-asp-round": "7" })).toBe("round 2 text");
    expect(await file({ "x-asp-round": "1" })).toBe("round 1 text");
    expect(await file({ "x-asp-run": "r1" })).toBe("round 1 text");
    expect(await file({ "x-asp-run": "r1" })).toBe("round 2 text");
    expect(await file({ "x-asp-run": "r2" })).toBe("round 1 text");
  });

  it("looks up agent keys exactly, else by the part before ':'", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const verdict = async (agent: string) => {
      const message = await clientFor(simulator, { "x-asp-agent": agent }).messages.create(structuredRequest());
      const block = message.content[0]!;
      return block.type === "tool_use" ? block.input : undefined;
    };
    expect(await verdict("design-review:security")).toEqual({ verdict: "FAIL" });
    expect(await verdict("design-review:performance")).toEqual({ verdict: "PASS" });
  });

  it("answers 400 naming the missing agent or file key", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const failure = (pattern: RegExp) => ({
      status: 400,
      error: { type: "error", error: { type: "invalid_request_error", message: expect.stringMatching(pattern) } },
    });
    const missingAgent = clientFor(simulator, { "x-asp-agent": "postmortem" }).messages.create(structuredRequest());
    await expect(missingAgent).rejects.toMatchObject(failure(/no entry for agent "postmortem"/));
    const missingFile = clientFor(simulator, { "x-asp-file": "src/missing.py" }).messages.create(fileRequest());
    await expect(missingFile).rejects.toMatchObject(failure(/no entry for file "src\/missing.py"/));
    const nobody = clientFor(simulator).messages.create(fileRequest());
    await expect(nobody).rejects.toMatchObject(failure(/neither an x-asp-agent nor an x-asp-file/));
  });

  it("replaces the scenario at runtime and resets the counters", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, { "x-asp-file": "src/app.py" });
    expect(textOf(await client.messages.create(fileRequest()))).toBe("print('hi')\n");
    simulator.setScenario({ name: "other", files: { "src/app.py": "print('bye')\n" } });
    expect(textOf(await client.messages.create(fileRequest()))).toBe("print('bye')\n");
    expect(() => simulator.setScenario({ name: "" } as never)).toThrow(/name/);
  });
});
