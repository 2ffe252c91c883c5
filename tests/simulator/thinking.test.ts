import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { startModelSimulator, type ModelSimulator } from "../../simulator/index.ts";
import { clientFor, fileRequest, planTool, structuredRequest, textOf } from "./simulator-client.ts";

const plan = { units: [{ name: "parser" }], summary: "one unit" };
const scenario = { name: "thinking", agents: { planning: plan }, files: { "src/a.py": "a = 1\n" } };
/** Thinks by default and chooses its tool itself (it refuses forced tool choice). */
const thinkingModel = "claude-sonnet-5-5";
const planning = { "x-asp-agent": "planning" };

const droppedMessage =
  "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, " +
  "a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` " +
  "blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. " +
  "Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

function autoRequest(model = thinkingModel): Anthropic.MessageCreateParamsNonStreaming {
  return { ...structuredRequest(1024, model), tool_choice: { type: "auto" } };
}

async function rejection(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Anthropic.APIError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

function thinkingOf(message: Anthropic.Message): Anthropic.ThinkingBlock {
  const block = message.content.find((candidate) => candidate.type === "thinking");
  if (!block) throw new Error(`no thinking block in ${JSON.stringify(message.content)}`);
  return block;
}

/** The structured re-ask: the assistant turn as given, then a tool_result saying what was wrong. */
function reask(first: Anthropic.Message, assistant: Anthropic.ContentBlockParam[]): Anthropic.MessageCreateParamsNonStreaming {
  const toolUse = first.content.find((block) => block.type === "tool_use");
  if (!toolUse) throw new Error("no tool_use to answer");
  return {
    ...autoRequest(),
    messages: [
      { role: "user", content: "Plan the task." },
      { role: "assistant", content: assistant },
      { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, is_error: true, content: "summary is too short" }] },
    ],
  };
}

function expectSigned(simulator: ModelSimulator, block: Anthropic.ThinkingBlock): void {
  expect(block.signature.length).toBeGreaterThan(20);
  expect(simulator.verifyThinking(block.thinking, block.signature)).toBe(true);
  expect(simulator.verifyThinking(`${block.thinking} (edited)`, block.signature)).toBe(false);
}

describe("thinking blocks", () => {
  it("starts a thinking model's reply with a signed thinking block, before the tool call", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const message = await clientFor(simulator, planning).messages.create(autoRequest());
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "tool_use"]);
    const thinking = thinkingOf(message);
    expect(thinking.thinking).toContain("planning");
    expectSigned(simulator, thinking);
    expect(simulator.transcript()[0]).toMatchObject({ thinking: true, status: 200 });
  });

  it("thinks on other models only when asked, by the request or the scenario", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, planning);
    const plain = await client.messages.create(structuredRequest(4096, "claude-sonnet-4-6"));
    expect(plain.content.map((block) => block.type)).toEqual(["tool_use"]);
    const asked = await client.messages.create({ ...structuredRequest(4096, "claude-sonnet-4-6"), tool_choice: { type: "auto" }, thinking: { type: "adaptive" } });
    expect(asked.content.map((block) => block.type)).toEqual(["thinking", "tool_use"]);
    const manual = await client.messages.create({ ...structuredRequest(4096, "claude-haiku-4-5"), tool_choice: { type: "auto" }, thinking: { type: "enabled", budget_tokens: 2048 } });
    expect(manual.content[0]?.type).toBe("thinking");
    const off = await client.messages.create({ ...autoRequest(), thinking: { type: "disabled" } });
    expect(off.content.map((block) => block.type)).toEqual(["tool_use"]);

    await using always = await startModelSimulator({ scenario: { ...scenario, thinking: true } });
    const local = await clientFor(always, { "x-asp-file": "src/a.py" }).messages.create(fileRequest(4096, undefined, "local-model"));
    expect(local.content.map((block) => block.type)).toEqual(["thinking", "text"]);
    expect(textOf(local)).toBe("a = 1\n");
    await using never = await startModelSimulator({ scenario: { ...scenario, thinking: false } });
    expect((await clientFor(never, planning).messages.create(autoRequest())).content[0]?.type).toBe("tool_use");
  });

  it("gives back only the signature when the display is omitted", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const message = await clientFor(simulator, planning).messages.create({ ...autoRequest(), thinking: { type: "adaptive", display: "omitted" } });
    const thinking = thinkingOf(message);
    expect(thinking.thinking).toBe("");
    expectSigned(simulator, thinking);
  });

  it("counts thinking toward max_tokens and the output tokens", async () => {
    await using simulator = await startModelSimulator({ scenario: { ...scenario, thinkingTokens: 40 } });
    const client = clientFor(simulator, { "x-asp-file": "src/a.py" });
    const roomy = await client.messages.create(fileRequest(4096, undefined, thinkingModel));
    expect(roomy.usage.output_tokens).toBe(40 + 2);
    expect(textOf(roomy)).toBe("a = 1\n");
    const tight = await client.messages.create(fileRequest(40, undefined, thinkingModel));
    expect(tight.stop_reason).toBe("max_tokens");
    expect(tight.content.map((block) => block.type)).toEqual(["thinking"]);
  });

  it("streams thinking as thinking_delta events and the signature as a signature_delta before the block stops", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const stream = clientFor(simulator, planning).messages.stream(autoRequest());
    const events: string[] = [];
    stream.on("streamEvent", (event) => {
      if (event.type === "content_block_delta") events.push(event.delta.type);
      if (event.type === "content_block_start" || event.type === "content_block_stop") events.push(`${event.type}:${event.index}`);
    });
    const message = await stream.finalMessage();
    const deltas = events.slice(events.indexOf("content_block_start:0") + 1, events.indexOf("content_block_stop:0"));
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.slice(0, -1).every((type) => type === "thinking_delta")).toBe(true);
    expect(deltas.at(-1)).toBe("signature_delta");
    expectSigned(simulator, thinkingOf(message));
    expect(message.content[1]).toMatchObject({ type: "tool_use", input: plan });
  });
});

describe("sending thinking back", () => {
  it("answers a re-ask that keeps the thinking block, and refuses one that drops it with the API's 400", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, planning);
    const first = await client.messages.create(autoRequest());

    const dropped = await rejection(client.messages.create(reask(first, first.content.filter((block) => block.type !== "thinking"))));
    expect(dropped.status).toBe(400);
    expect(dropped.error).toEqual({ type: "error", error: { type: "invalid_request_error", message: droppedMessage } });

    const kept = await client.messages.create(reask(first, first.content));
    expect(kept.content.map((block) => block.type)).toEqual(["thinking", "tool_use"]);
    // The refused re-ask used up no reply: the kept one is the caller's second call.
    expect(simulator.transcript().map((entry) => [entry.status, entry.round])).toEqual([
      [200, 1],
      [400, null],
      [200, 2],
    ]);
  });

  it("refuses a thinking block whose text or signature was changed", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, planning);
    const first = await client.messages.create(autoRequest());
    const thinking = thinkingOf(first);
    const toolUse = first.content.find((block) => block.type === "tool_use")!;

    const edited = await rejection(client.messages.create(reask(first, [{ ...thinking, thinking: `${thinking.thinking} and more` }, toolUse])));
    expect(edited.error).toMatchObject({ error: { type: "invalid_request_error", message: "messages.1.content.0: Invalid `signature` in `thinking` block" } });
    const forged = await rejection(client.messages.create(reask(first, [{ ...thinking, signature: "msg_forged.AAAA" }, toolUse])));
    expect(forged.error).toMatchObject({ error: { message: "messages.1.content.0: Invalid `signature` in `thinking` block" } });

    // A block signed by another server does not verify here either.
    await using other = await startModelSimulator({ scenario });
    const foreign = await rejection(clientFor(other, planning).messages.create(reask(first, first.content)));
    expect(foreign.error).toMatchObject({ error: { message: "messages.1.content.0: Invalid `signature` in `thinking` block" } });
  });

  it("keeps blocks valid across servers that share a thinking secret, and sends back a streamed block", async () => {
    await using simulator = await startModelSimulator({ scenario, thinkingSecret: "shared" });
    const first = await clientFor(simulator, planning).messages.stream(autoRequest()).finalMessage();
    await using restarted = await startModelSimulator({ scenario, thinkingSecret: "shared" });
    const again = await clientFor(restarted, planning).messages.create(reask(first, first.content));
    expect(again.content[0]?.type).toBe("thinking");
  });

  it("does not ask for thinking blocks when the request does not think, or the last turn called no tool", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, planning);
    const first = await client.messages.create(autoRequest());
    const withoutThinking = first.content.filter((block) => block.type !== "thinking");
    const off = await client.messages.create({ ...reask(first, withoutThinking), thinking: { type: "disabled" } });
    expect(off.content[0]?.type).toBe("tool_use");
    const textTurn = await client.messages.create({
      ...autoRequest(),
      messages: [
        { role: "user", content: "Plan the task." },
        { role: "assistant", content: [{ type: "text", text: "Here is my plan." }] },
        { role: "user", content: "Call the tool." },
      ],
    });
    expect(textTurn.content[0]?.type).toBe("thinking");
  });
});

describe("thinking settings the model refuses", () => {
  it.each([
    [thinkingModel, { type: "enabled", budget_tokens: 2048 }, '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.'],
    ["claude-opus-4-7", { type: "enabled", budget_tokens: 2048 }, '"thinking.type.enabled" is not supported for this model.'],
    ["claude-haiku-4-5", { type: "adaptive" }, '"thinking.type.adaptive" is not supported for this model.'],
    ["claude-sonnet-4-6", { type: "enabled", budget_tokens: 512 }, "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"],
    ["claude-sonnet-4-6", { type: "enabled", budget_tokens: 8192 }, "`max_tokens` must be greater than `thinking.budget_tokens`."],
    ["claude-3-5-haiku-20241022", { type: "enabled", budget_tokens: 2048 }, "does not support thinking"],
    ["claude-sonnet-4-6", { type: "sometimes" }, "thinking: Input tag 'sometimes' found using 'type' does not match any of the expected tags"],
  ] as const)("refuses %s with thinking %j", async (model, thinking, message) => {
    await using simulator = await startModelSimulator({ scenario });
    const request = { ...structuredRequest(4096, model), tool_choice: { type: "auto" as const }, thinking: thinking as Anthropic.ThinkingConfigParam };
    const error = await rejection(clientFor(simulator, planning).messages.create(request));
    expect(error.status).toBe(400);
    const body = error.error as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain(message);
  });

  it("refuses manual thinking with a forced tool, and lets adaptive thinking be forced", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, planning);
    const manual = await client.messages.create({ ...structuredRequest(4096, "claude-haiku-4-5"), thinking: { type: "enabled", budget_tokens: 1024 } }).catch((error: unknown) => error);
    expect((manual as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      error: { type: "invalid_request_error", message: "Thinking may not be enabled when tool_choice forces tool use." },
    });
    const adaptive = await client.messages.create({ ...structuredRequest(4096, "claude-sonnet-4-6"), thinking: { type: "adaptive" } });
    expect(adaptive.content.map((block) => block.type)).toEqual(["thinking", "tool_use"]);
  });

  it("lets a manual thinking budget through on a model that still takes it", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const request = { ...structuredRequest(4096, "claude-sonnet-4-6"), tool_choice: { type: "auto" as const }, thinking: { type: "enabled" as const, budget_tokens: 1024 } };
    const message = await clientFor(simulator, planning).messages.create(request);
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "tool_use"]);
    expect(message.content[1]).toMatchObject({ name: planTool.name, input: plan });
  });
});
