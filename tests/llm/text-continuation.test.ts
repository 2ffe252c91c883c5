import { describe, expect, it } from "vitest";
import { defaultModel } from "../../llm/config.ts";
import { capabilitiesOf } from "../../llm/model-capabilities.ts";
import { continueInstruction } from "../../llm/text-output.ts";
import { startSimulatedModel } from "./support/simulated-model.ts";
import { trickyPython } from "./support/tricky-text.ts";

type Requests = Array<{ model: string; max_tokens: number; messages: Array<{ role: string; content: unknown }> }>;

/** The text of a turn as sent: a string, or the text blocks of a reply sent back whole. */
const textOfTurn = (content: unknown): string =>
  typeof content === "string" ? content : (content as Array<{ type: string; text?: string }>).map((block) => (block.type === "text" ? (block.text ?? "") : "")).join("");

/** The simulator's replies carry no thinking: these tests cut on max_tokens itself, so no allowance is added. */
const noThinkingAllowance = { ASP_LLM_THINKING_TOKENS: "0" };

const file = "app/greet.py";
const ask = { agent: "file-writer", file, system: "Write the file.", prompt: "greet.py" };

describe("max_tokens cuts with the default model (no prefill): continued by a user turn", () => {
  it("the default model is one that rejects prefill, so these tests exercise the user-turn path", () => {
    expect(capabilitiesOf(defaultModel).assistantPrefill).toBe(false);
  });

  for (const streaming of [true, false]) {
    const mode = streaming ? "streaming" : "non-streaming";

    it(`continues a truncated file and stitches it byte-exact (${mode})`, async () => {
      await using model = await startSimulatedModel({
        streaming,
        scenario: { name: "truncated", files: { [file]: trickyPython }, faults: { script: [{ kind: "truncated", file, times: 2 }] } },
      });
      const result = await model.client.text(ask);
      expect(result.text).toBe(trickyPython);
      expect(result.continuations).toBe(2);
      const requests = model.simulator.transcript().map((entry) => entry.request) as Requests;
      expect(requests).toHaveLength(3);
      expect(requests.every((request) => request.model === defaultModel)).toBe(true);
      const second = requests[1]!.messages;
      expect(second.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
      // The cut reply goes back whole and untrimmed (it is not the final turn), as the model wrote it.
      const firstReply = model.simulator.transcript()[0]!.response as { content: unknown };
      expect(second[1]!.content).toEqual(firstReply.content);
      expect(trickyPython.startsWith(textOfTurn(second[1]!.content))).toBe(true);
      expect(second[2]!.content).toBe(continueInstruction);
      // The conversation only grows: the third request repeats the second's turns unchanged and adds the next cut reply.
      const third = requests[2]!.messages;
      expect(third.map((message) => message.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
      expect(third.slice(0, 3)).toEqual(second);
      expect(trickyPython.startsWith(textOfTurn(third[1]!.content) + textOfTurn(third[3]!.content))).toBe(true);
    });
  }

  it("stitches byte-exact wherever a truncated fault cuts (eight seeds, three cuts each)", async () => {
    for (let seed = 1; seed <= 8; seed++) {
      await using model = await startSimulatedModel({
        seed,
        streaming: seed % 2 === 0,
        scenario: { name: "seeds", files: { [file]: trickyPython }, faults: { script: [{ kind: "truncated", file, times: 3 }] } },
      });
      const result = await model.client.text(ask);
      expect(result.continuations, `seed ${seed}`).toBe(3);
      expect(Buffer.from(result.text).equals(Buffer.from(trickyPython)), `seed ${seed}`).toBe(true);
    }
  });

  it.each([1, 3, 5, 20])("stitches byte-exact when max_tokens %i cuts the output again and again", async (maxTokens) => {
    await using model = await startSimulatedModel({ streaming: false, env: noThinkingAllowance, scenario: { name: "small", thinking: false, files: { [file]: trickyPython } } });
    const result = await model.client.text({ ...ask, maxTokens, maxContinuations: 200 });
    expect(result.text).toBe(trickyPython);
    expect(result.continuations).toBeGreaterThan(1);
    expect(result.calls.map((call) => call.stopReason).at(-1)).toBe("end_turn");
    expect(result.calls.slice(0, -1).every((call) => call.stopReason === "max_tokens")).toBe(true);
  });

  it("a cut after whitespace keeps that whitespace: the continuation does not write it again", async () => {
    const text = "line one   \n\tline two\n";
    await using model = await startSimulatedModel({ env: noThinkingAllowance, scenario: { name: "spaces", thinking: false, files: { [file]: text } } });
    // 3 tokens are 12 characters: the first piece is "line one   \n", ending in spaces and a newline.
    const result = await model.client.text({ ...ask, maxTokens: 3, maxContinuations: 5 });
    expect(result.text).toBe(text);
    const requests = model.simulator.transcript().map((entry) => entry.request) as Requests;
    expect(textOfTurn(requests[1]!.messages[1]!.content)).toBe("line one   \n");
  });
});

describe("max_tokens cuts with a model that accepts prefill", () => {
  it("continues by prefill, trimmed of trailing whitespace, and stitches byte-exact", async () => {
    await using model = await startSimulatedModel({
      env: { ASP_MODEL: "claude-haiku-4-5" },
      scenario: { name: "prefill", files: { [file]: trickyPython }, faults: { script: [{ kind: "truncated", file, times: 2 }] } },
    });
    const result = await model.client.text(ask);
    expect(result.text).toBe(trickyPython);
    expect(result.continuations).toBe(2);
    const requests = model.simulator.transcript().map((entry) => entry.request) as Requests;
    const prefill = requests[1]!.messages.at(-1);
    expect(requests[1]!.messages).toHaveLength(2);
    expect(prefill?.role).toBe("assistant");
    expect(String(prefill?.content)).not.toMatch(/\s$/u);
    expect(trickyPython.startsWith(String(prefill?.content))).toBe(true);
  });
});
