import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { startModelSimulator, type FaultKind, type ScenarioInput } from "../../simulator/index.ts";
import { clientFor, fileRequest, planTool, structuredRequest, textOf } from "./simulator-client.ts";

const plan = { units: [{ name: "parser" }], summary: "one unit" };
const appText = "def main():\n    print('hi')\n\nif __name__ == '__main__':\n    main()\n";

function scenarioWith(faults: ScenarioInput["faults"]): ScenarioInput {
  return {
    name: "faults",
    agents: { planning: plan, design: [{ version: 1 }, { version: 2 }] },
    files: { "src/app.py": appText },
    faults,
  };
}

const planning = { "x-asp-agent": "planning" };
const appFile = { "x-asp-file": "src/app.py" };

async function rejection(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Anthropic.APIError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("HTTP error faults", () => {
  it.each([
    ["overloaded", 529, "overloaded_error", true],
    ["rate_limited", 429, "rate_limit_error", true],
    ["server_error", 500, "api_error", false],
  ] as const)("%s answers %i %s with the API's headers", async (kind, status, type, retryAfter) => {
    await using simulator = await startModelSimulator({ scenario: scenarioWith({ script: [{ kind, agent: "planning" }] }) });
    const error = await rejection(clientFor(simulator, planning).messages.create(structuredRequest()));
    expect(error.status).toBe(status);
    expect(error.error).toMatchObject({ type: "error", error: { type } });
    expect(error.headers?.get("request-id")).toMatch(/^req_/);
    expect(error.headers?.get("retry-after")).toBe(retryAfter ? "0" : null);
    expect(simulator.stats().faults).toEqual({ [kind]: 1 });
  });

  it("lets the SDK retry after the scenario's retry-after and counts only the good reply", async () => {
    const scenario = scenarioWith({ retryAfterSeconds: 0.01, script: [{ kind: "overloaded", agent: "design", times: 2 }] });
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, { "x-asp-agent": "design" }, 2);
    const message = await client.messages.create(structuredRequest());
    expect(message.content[0]).toMatchObject({ type: "tool_use", input: { version: 1 } });
    expect(simulator.stats()).toMatchObject({ requests: 3, faults: { overloaded: 2 } });
    const entries = simulator.transcript();
    expect(entries.map((entry) => entry.status)).toEqual([529, 529, 200]);
  });

  it("stream_error breaks a stream with an overloaded error event, and fails a whole request with 500", async () => {
    const scenario = scenarioWith({ script: [{ kind: "stream_error", file: "src/app.py", times: 2 }] });
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, appFile);
    const stream = client.messages.stream(fileRequest());
    const seen: string[] = [];
    stream.on("text", (text) => seen.push(text));
    const error = await rejection(stream.finalMessage());
    expect(error.error).toMatchObject({ error: { type: "overloaded_error" } });
    expect(seen.length).toBeGreaterThan(0);
    expect(appText.startsWith(seen.join(""))).toBe(true);
    expect(seen.join("")).not.toBe(appText);
    const whole = await rejection(client.messages.create(fileRequest()));
    expect(whole.status).toBe(500);
    expect(textOf(await client.messages.create(fileRequest()))).toBe(appText);
  });
});

describe("content faults", () => {
  it("invalid_tool_input drops a required key, or replaces the input when none is known", async () => {
    const scenario = scenarioWith({ script: [{ kind: "invalid_tool_input", agent: "planning", times: 2 }] });
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, planning);
    const dropped = await client.messages.create(structuredRequest());
    expect(dropped.stop_reason).toBe("tool_use");
    expect(dropped.content[0]).toMatchObject({ type: "tool_use", input: { summary: "one unit" } });
    expect(dropped.content[0]).not.toHaveProperty("input.units");
    const looseTool = { ...planTool, input_schema: { type: "object" as const } };
    const replaced = await client.messages
      .stream({ ...structuredRequest(), tools: [looseTool] })
      .finalMessage();
    expect(replaced.content[0]).toMatchObject({ type: "tool_use", input: { unexpected: true } });
  });

  it("json_in_prose answers with the JSON in a fenced block inside text", async () => {
    await using simulator = await startModelSimulator({ scenario: scenarioWith({ script: [{ kind: "json_in_prose" }] }) });
    const message = await clientFor(simulator, planning).messages.create(structuredRequest());
    expect(message.stop_reason).toBe("end_turn");
    const text = textOf(message);
    expect(text).toMatch(/^Here is the result:\n```json\n/);
    expect(text).toMatch(/\n```\nHope this helps\.$/);
    expect(JSON.parse(text.split("```json\n")[1]!.split("\n```")[0]!)).toEqual(plan);
  });

  it("fenced_file wraps the file in a fence named after its language", async () => {
    await using simulator = await startModelSimulator({ scenario: scenarioWith({ script: [{ kind: "fenced_file" }] }) });
    const message = await clientFor(simulator, appFile).messages.stream(fileRequest()).finalMessage();
    expect(textOf(message)).toBe("```python\n" + appText + "```");
    expect(message.stop_reason).toBe("end_turn");
  });

  it("truncated cuts a file and a structured reply short with stop_reason max_tokens", async () => {
    const scenario = scenarioWith({ script: [{ kind: "truncated", file: "src/app.py" }, { kind: "truncated", agent: "planning" }] });
    await using simulator = await startModelSimulator({ scenario });
    const file = await clientFor(simulator, appFile).messages.create(fileRequest());
    expect(file.stop_reason).toBe("max_tokens");
    const cut = textOf(file);
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.length).toBeLessThan(appText.length);
    expect(appText.startsWith(cut)).toBe(true);
    const structured = await clientFor(simulator, planning).messages.create(structuredRequest());
    expect(structured.stop_reason).toBe("max_tokens");
    expect(structured.content[0]?.type).toBe("text");
    expect(() => JSON.parse(textOf(structured))).toThrow();
  });

  it("slow delays the reply by faults.slowMs", async () => {
    await using simulator = await startModelSimulator({ scenario: scenarioWith({ slowMs: 600, script: [{ kind: "slow" }] }) });
    const client = clientFor(simulator, appFile);
    const started = performance.now();
    expect(textOf(await client.messages.create(fileRequest()))).toBe(appText);
    expect(performance.now() - started).toBeGreaterThanOrEqual(590);
    const again = performance.now();
    await client.messages.create(fileRequest());
    expect(performance.now() - again).toBeLessThan(450);
  });

  it("never applies a fault that does not fit the request", async () => {
    const scenario = scenarioWith({ rate: 1, kinds: ["fenced_file"], script: [{ kind: "json_in_prose", file: "src/app.py" }] });
    await using simulator = await startModelSimulator({ scenario });
    const structured = await clientFor(simulator, planning).messages.create(structuredRequest());
    expect(structured.content[0]).toMatchObject({ type: "tool_use", input: plan });
    // json_in_prose cannot apply to a file, so the random draw (fenced_file) decides instead.
    const file = await clientFor(simulator, appFile).messages.create(fileRequest());
    expect(textOf(file)).toBe("```python\n" + appText + "```");
    expect(simulator.stats().faults).toEqual({ fenced_file: 1 });
  });
});

describe("seeded random faults", () => {
  async function faultSequence(seed: number): Promise<(FaultKind | null)[]> {
    const scenario = scenarioWith({ seed, rate: 0.5, slowMs: 5 });
    await using simulator = await startModelSimulator({ scenario });
    const structured = clientFor(simulator, planning);
    const file = clientFor(simulator, appFile);
    for (let call = 0; call < 12; call++) {
      await structured.messages.create(structuredRequest()).catch(() => undefined);
      await file.messages.create(fileRequest()).catch(() => undefined);
    }
    return simulator.transcript().map((entry) => entry.fault);
  }

  it("replays the same fault sequence for the same seed, and another for another seed", async () => {
    const first = await faultSequence(42);
    const second = await faultSequence(42);
    const other = await faultSequence(43);
    expect(first).toEqual(second);
    expect(first).not.toEqual(other);
    const faults = first.filter((fault) => fault !== null);
    expect(faults.length).toBeGreaterThan(4);
    expect(faults.length).toBeLessThan(20);
  });

  it("lets the seed option override the scenario's seed", async () => {
    const scenario = scenarioWith({ seed: 1, rate: 0.5, slowMs: 5 });
    const run = async (seed: number) => {
      await using simulator = await startModelSimulator({ scenario, seed });
      const client = clientFor(simulator, planning);
      for (let call = 0; call < 12; call++) await client.messages.create(structuredRequest()).catch(() => undefined);
      return simulator.transcript().map((entry) => entry.fault);
    };
    expect(await run(42)).toEqual(await run(42));
    expect(await run(42)).not.toEqual(await run(1));
  });
});
