import { describe, expect, it } from "vitest";
import { z } from "zod";
import { continueInstruction } from "../../llm/text-output.ts";
import { startRecordedClient } from "./support/recorded-client.ts";
import { block } from "./support/recording-server.ts";

const schema = z.object({ title: z.string(), size: z.number().int() });
const ask = { agent: "planning", schema, toolName: "record_plan", system: "You plan.", prompt: "Plan it." };

// Unicode, quotes, a backslash and trailing whitespace: any re-encoding or trimming shows.
const thinking = block.thinking('Plan "it": size ≥ 1 \\ not 0 ✓  \n', "EqQBCkYIBxgCKkD+sig/abc==");
const redacted = block.redacted("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP");

/** The Nth assistant turn's value in the raw body, as the SDK put it on the wire. */
function assistantTurns(raw: string): unknown[] {
  const body = JSON.parse(raw) as { messages: Array<{ role: string; content: unknown }> };
  return body.messages.filter((message) => message.role === "assistant").map((message) => message.content);
}

describe("thinking blocks go back unchanged", () => {
  for (const streaming of [true, false]) {
    const wire = streaming ? "streaming" : "non-streaming";

    it(`a native-format re-ask keeps every block of the rejected turn, thinking and redacted_thinking byte for byte (${wire})`, async () => {
      const rejected = [thinking, redacted, block.text('{"title": "x", "size": 1.5}')];
      await using recorded = await startRecordedClient(
        [
          { content: rejected, stop_reason: "end_turn" },
          { content: [block.thinking("fixed", "sig-2"), block.text('{"title": "x", "size": 2}')], stop_reason: "end_turn" },
        ],
        { ASP_MODEL: "claude-sonnet-5-5", ASP_LLM_STREAMING: String(streaming) },
      );
      const result = await recorded.client.structured(ask);
      expect(result.value).toEqual({ title: "x", size: 2 });
      const [first, second] = recorded.server.requests;
      expect(second!.body.messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
      expect(assistantTurns(second!.raw)).toEqual([rejected]);
      // Byte for byte: the exact JSON of both thinking blocks is in the body the SDK sent.
      expect(second!.raw).toContain(JSON.stringify(thinking));
      expect(second!.raw).toContain(JSON.stringify(redacted));
      expect(JSON.stringify(second!.body.messages[2]!.content)).toContain("size");
      // Append-only: the first turn, the system prompt and the output format are sent again unchanged.
      expect(second!.body.messages[0]).toEqual(first!.body.messages[0]);
      expect(second!.body["system"]).toEqual(first!.body["system"]);
      expect(second!.body["output_config"]).toEqual(first!.body["output_config"]);
    });

    it(`a forced-tool re-ask keeps the thinking block ahead of the tool call it answers (${wire})`, async () => {
      const rejected = [thinking, block.toolUse("toolu_1", "record_plan", { title: "x" })];
      await using recorded = await startRecordedClient(
        [
          { content: rejected, stop_reason: "tool_use" },
          { content: [block.toolUse("toolu_2", "record_plan", { title: "x", size: 3 })], stop_reason: "tool_use" },
        ],
        // Haiku 5.5 thinks by default and accepts a forced tool choice.
        { ASP_MODEL: "claude-haiku-5-5", ASP_LLM_STREAMING: String(streaming) },
      );
      const result = await recorded.client.structured(ask);
      expect(result.value).toEqual({ title: "x", size: 3 });
      const second = recorded.server.requests[1]!;
      expect(second.body["tool_choice"]).toEqual({ type: "tool", name: "record_plan" });
      expect(assistantTurns(second.raw)).toEqual([rejected]);
      expect(second.raw).toContain(JSON.stringify(thinking));
      expect(second.body.messages[2]!.content).toEqual([
        expect.objectContaining({ type: "tool_result", tool_use_id: "toolu_1", is_error: true }),
      ]);
    });

    it(`a file continuation sends each cut reply back whole, in a conversation that only grows (${wire})`, async () => {
      const firstCut = [thinking, block.text("def f():\n")];
      const secondCut = [block.thinking("more", "sig-b"), block.text("    x = 1\n")];
      await using recorded = await startRecordedClient(
        [
          { content: firstCut, stop_reason: "max_tokens" },
          { content: secondCut, stop_reason: "max_tokens" },
          { content: [block.thinking("done", "sig-c"), block.text("    return x\n")], stop_reason: "end_turn" },
        ],
        { ASP_MODEL: "claude-sonnet-5-5", ASP_LLM_STREAMING: String(streaming) },
      );
      const result = await recorded.client.text({ agent: "file-writer", file: "f.py", system: "Write it.", prompt: "f.py" });
      expect(result.text).toBe("def f():\n    x = 1\n    return x\n");
      const [, second, third] = recorded.server.requests;
      expect(assistantTurns(second!.raw)).toEqual([firstCut]);
      expect(assistantTurns(third!.raw)).toEqual([firstCut, secondCut]);
      expect(third!.body.messages.map((message) => message.content).filter((content) => typeof content === "string")).toEqual([
        continueInstruction,
        continueInstruction,
      ]);
      expect(third!.raw).toContain(JSON.stringify(thinking));
    });
  }

  it("a reply cut while thinking (no signature yet) is not sent back: the same conversation is asked again with more room", async () => {
    await using recorded = await startRecordedClient(
      [
        { content: [block.thinking("half a thought", "")], stop_reason: "max_tokens" },
        { content: [thinking, block.text('{"title": "x", "size": 1}')], stop_reason: "end_turn" },
      ],
      { ASP_MODEL: "claude-sonnet-5-5", ASP_LLM_STREAMING: "false", ASP_LLM_THINKING_TOKENS: "1000" },
    );
    const result = await recorded.client.structured({ ...ask, maxTokens: 500 });
    expect(result.value).toEqual({ title: "x", size: 1 });
    const [first, second] = recorded.server.requests;
    expect(second!.raw).not.toContain("half a thought");
    expect(second!.body.messages.map((message) => message.role)).toEqual(["user", "user"]);
    expect([first!.body.max_tokens, second!.body.max_tokens]).toEqual([1500, 2000]);
  });

  it("leaves out a whitespace-only text block, which the API refuses, and keeps the rest in order", async () => {
    await using recorded = await startRecordedClient(
      [
        { content: [thinking, block.text("\n\n"), block.toolUse("toolu_1", "record_plan", { title: 1 })], stop_reason: "tool_use" },
        { content: [block.toolUse("toolu_2", "record_plan", { title: "x", size: 1 })], stop_reason: "tool_use" },
      ],
      { ASP_MODEL: "claude-haiku-5-5", ASP_LLM_STREAMING: "false" },
    );
    await recorded.client.structured(ask);
    expect(assistantTurns(recorded.server.requests[1]!.raw)).toEqual([[thinking, block.toolUse("toolu_1", "record_plan", { title: 1 })]]);
  });
});
