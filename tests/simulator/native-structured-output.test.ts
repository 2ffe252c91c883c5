import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { startModelSimulator } from "../../simulator/index.ts";
import { clientFor, textOf } from "./simulator-client.ts";

const plan = { units: [{ name: "parser" }], summary: "one unit" };
const planSchema = {
  type: "object",
  properties: { units: { type: "array", items: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } }, summary: { type: "string" } },
  required: ["units", "summary"],
  additionalProperties: false,
};
const scenario = { name: "native", agents: { planning: plan, design: { components: "not an array" } } };
const planning = { "x-asp-agent": "planning" };

function formatRequest(model: string, outputConfig: Record<string, unknown> = {}): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model,
    max_tokens: 4096,
    messages: [{ role: "user", content: "Plan the task." }],
    output_config: { format: { type: "json_schema", schema: planSchema }, ...outputConfig } as Anthropic.OutputConfig,
  };
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Anthropic.APIError && error.status === 400) return (error.error as { error: { message: string } }).error.message;
    throw error;
  }
  throw new Error("expected a 400");
}

describe("the native structured-output format", () => {
  it("answers output_config.format with the scenario's input as JSON text, on a model that refuses forced tool choice", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const message = await clientFor(simulator, planning).messages.create(formatRequest("claude-opus-5-5", { effort: "low" }));
    expect(message.stop_reason).toBe("end_turn");
    // Opus 5.5 always thinks: the JSON is the text block after the thinking block.
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "text"]);
    expect(JSON.parse(textOf(message))).toEqual(plan);
    expect(simulator.transcript()[0]?.schemaProblems).toBeUndefined();
  });

  it("streams the JSON as text deltas and keeps it whole", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const message = await clientFor(simulator, planning).messages.stream({ ...formatRequest("claude-haiku-4-5"), stream: undefined }).finalMessage();
    expect(message.content.map((block) => block.type)).toEqual(["text"]);
    expect(JSON.parse(textOf(message))).toEqual(plan);
  });

  it("names the schema problems of a scenario reply the real API could not have given", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const message = await clientFor(simulator, { "x-asp-agent": "design" }).messages.create(formatRequest("claude-sonnet-4-6"));
    expect(JSON.parse(textOf(message))).toEqual({ components: "not an array" });
    expect(simulator.transcript()[0]?.schemaProblems?.length).toBeGreaterThan(0);
  });

  it("never breaks the JSON with a tool-input fault, which constrained output rules out", async () => {
    const faulty = { ...scenario, faults: { rate: 1, kinds: ["invalid_tool_input" as const, "json_in_prose" as const] } };
    await using simulator = await startModelSimulator({ scenario: faulty });
    const message = await clientFor(simulator, planning).messages.create(formatRequest("claude-sonnet-4-6"));
    expect(JSON.parse(textOf(message))).toEqual(plan);
    expect(simulator.transcript()[0]?.fault).toBeNull();
  });

  it("accepts every effort the model takes", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, planning);
    for (const effort of ["low", "medium", "high", "xhigh", "max"]) {
      expect(JSON.parse(textOf(await client.messages.create(formatRequest("claude-sonnet-5-5", { effort }))))).toEqual(plan);
    }
    for (const effort of ["low", "medium", "high", "max"]) await client.messages.create(formatRequest("claude-opus-4-6", { effort }));
    // Effort alone, without a format, is checked the same way.
    const plain = { model: "claude-opus-4-5", max_tokens: 100, messages: [{ role: "user" as const, content: "hi" }], output_config: { effort: "high" as const } };
    await clientFor(simulator, planning).messages.create(plain);
  });

  it.each([
    ["claude-sonnet-5-5", { effort: "extreme" }, "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'"],
    ["claude-opus-4-6", { effort: "xhigh" }, 'output_config.effort: "xhigh" is not supported by claude-opus-4-6 (it takes low, medium, high, max)'],
    ["claude-haiku-4-5", { effort: "low" }, "output_config.effort: effort is not supported by claude-haiku-4-5"],
    ["claude-sonnet-4-6", { format: { type: "json_object", schema: planSchema } }, "output_config.format.type: Input should be 'json_schema'"],
    ["claude-sonnet-4-6", { format: { type: "json_schema" } }, "output_config.format.schema: Field required"],
  ] as const)("refuses %s with output_config %j", async (model, outputConfig, message) => {
    await using simulator = await startModelSimulator({ scenario });
    expect(await rejection(clientFor(simulator, planning).messages.create(formatRequest(model, outputConfig)))).toBe(message);
    expect(simulator.transcript()[0]).toMatchObject({ status: 400 });
  });

  it.each(["claude-3-5-haiku-20241022", "claude-opus-4-1", "claude-sonnet-4-20250514"])("refuses the format for %s, which has no native structured outputs", async (model) => {
    await using simulator = await startModelSimulator({ scenario });
    expect(await rejection(clientFor(simulator, planning).messages.create(formatRequest(model)))).toBe(
      `output_config.format: structured outputs are not supported by ${model}`,
    );
  });

  it("refuses the format together with a prefilled assistant turn", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const request = formatRequest("claude-haiku-4-5");
    request.messages.push({ role: "assistant", content: "{" });
    expect(await rejection(clientFor(simulator, planning).messages.create(request))).toContain("prefilled assistant message");
  });
});
