import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { startModelSimulator } from "../../simulator/index.ts";
import { clientFor, currentModel, fileRequest, prefillModel, structuredRequest, textOf } from "./simulator-client.ts";

const plan = { units: [{ name: "parser" }], summary: "one unit" };
const appText = "def main():\n    print('hi')\n";
const scenario = { name: "rules", agents: { planning: plan }, files: { "src/app.py": appText } };
const noPrefill = "This model does not support assistant message prefill. The conversation must end with a user message.";

async function rejection(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Anthropic.APIError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("per-model refusals, as the real API", () => {
  it.each([currentModel, "claude-opus-4-7", "claude-sonnet-5-5", "us.anthropic.claude-opus-4-6-v1"])(
    "rejects a final assistant message (prefill) sent to %s with 400",
    async (model) => {
      await using simulator = await startModelSimulator({ scenario });
      const error = await rejection(clientFor(simulator, { "x-asp-file": "src/app.py" }).messages.create(fileRequest(4096, "def main", model)));
      expect(error.status).toBe(400);
      expect(error.error).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: noPrefill } });
      expect(simulator.transcript()[0]).toMatchObject({ status: 400, error: { type: "invalid_request_error", message: noPrefill } });
    },
  );

  it("rejects the prefill before anything else, even one ending in whitespace", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const error = await rejection(clientFor(simulator, { "x-asp-file": "src/app.py" }).messages.create(fileRequest(4096, "def main():\n", currentModel)));
    expect(error.error).toMatchObject({ error: { message: noPrefill } });
  });

  it("still continues a prefill for a model that accepts one, and a refusal does not use up the reply", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, { "x-asp-file": "src/app.py" });
    await rejection(client.messages.create(fileRequest(4096, "def main", currentModel)));
    expect(textOf(await client.messages.create(fileRequest(4096, "def main", prefillModel)))).toBe("():\n    print('hi')\n");
  });

  it("judges a request without a model by the scenario's model", async () => {
    await using simulator = await startModelSimulator({ scenario: { ...scenario, model: currentModel } });
    const { model: _omitted, ...request } = fileRequest(4096, "def main", currentModel);
    const error = await rejection(clientFor(simulator, { "x-asp-file": "src/app.py" }).messages.create(request as never));
    expect(error.error).toMatchObject({ error: { message: noPrefill } });
  });

  it.each([
    ["claude-sonnet-5-5", "tool"],
    ["claude-opus-5-5", "any"],
    ["claude-fable-5-1", "tool"],
  ] as const)("rejects a forced tool_choice sent to %s (type %s) with 400", async (model, type) => {
    await using simulator = await startModelSimulator({ scenario });
    const request = { ...structuredRequest(1024, model), tool_choice: type === "tool" ? { type, name: "submit_plan" } : { type } };
    const error = await rejection(clientFor(simulator, { "x-asp-agent": "planning" }).messages.create(request));
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ error: { type: "invalid_request_error" } });
    expect(error.message).toContain("tool_choice");
    expect(error.message).toContain(model);
  });

  it("lets those models choose the tool themselves, and the default model be forced", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, { "x-asp-agent": "planning" });
    const chosen = await client.messages.create({ ...structuredRequest(1024, "claude-sonnet-5-5"), tool_choice: { type: "auto" } });
    // Sonnet 5.5 thinks by default, so its tool call follows a thinking block.
    expect(chosen.content.map((block) => block.type)).toEqual(["thinking", "tool_use"]);
    expect(chosen.content[1]).toMatchObject({ type: "tool_use", name: "submit_plan", input: plan });
    const forced = await client.messages.create(structuredRequest(1024, currentModel));
    expect(forced.content[0]).toMatchObject({ type: "tool_use", name: "submit_plan", input: plan });
  });
});
