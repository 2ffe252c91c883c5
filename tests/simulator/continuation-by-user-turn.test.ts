import type Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { startModelSimulator, type ModelSimulator } from "../../simulator/index.ts";
import { clientFor, continueRequest, currentModel, fileRequest, textOf } from "./simulator-client.ts";

/** CRLF, tabs, unicode (astral too), backslashes, a space before a newline, whitespace at cut points. */
const trickyText = [
  "def greet(name: str) -> str:\r\n",
  '\t"""Say hello; handles \\n and \\t literally."""\r\n',
  "\tpath = r'C:\\Users\\日本\\file.txt'  \r\n",
  '\treturn f"héllo {name} 👋🏽 — “quoted” \\\\ done"\n',
  "\n",
  "# trailing spaces then a tab \t\n",
  "EMOJI = '🧪🧬' * 3\n",
].join("");

const scenario = { name: "user-turn", files: { "src/tricky.py": trickyText } };

/**
 * Continues cut generations as the model layer does for a model without prefill: the text so far,
 * untrimmed, as an assistant turn, then a user turn asking to continue; the reply is appended as is.
 */
async function generate(simulator: ModelSimulator, maxTokens: number, streaming: boolean) {
  const client = clientFor(simulator, { "x-asp-file": "src/tricky.py" });
  let collected = "";
  const stopReasons: string[] = [];
  let endedInWhitespace = 0;
  for (let call = 0; call < 200; call++) {
    if (/\s$/u.test(collected)) endedInWhitespace += 1;
    const request = collected === "" ? fileRequest(maxTokens) : continueRequest(maxTokens, collected);
    const message: Anthropic.Message = streaming
      ? await client.messages.stream(request).finalMessage()
      : await client.messages.create(request);
    collected += textOf(message);
    stopReasons.push(message.stop_reason ?? "none");
    if (message.stop_reason !== "max_tokens") break;
  }
  return { collected, stopReasons, endedInWhitespace };
}

describe("continuation by a user turn (models that reject prefill)", () => {
  it.each([false, true])("answers the rest of the text so the pieces stitch byte-exact (streaming: %s)", async (streaming) => {
    await using simulator = await startModelSimulator({ scenario });
    const { collected, stopReasons, endedInWhitespace } = await generate(simulator, 7, streaming);
    // Some cuts land after whitespace, which stays in the (non-final) assistant turn.
    expect(endedInWhitespace).toBeGreaterThan(0);
    expect(Buffer.from(collected, "utf8").equals(Buffer.from(trickyText, "utf8"))).toBe(true);
    expect(stopReasons.length).toBeGreaterThan(3);
    expect(stopReasons.slice(0, -1).every((reason) => reason === "max_tokens")).toBe(true);
    expect(stopReasons.at(-1)).toBe("end_turn");
    expect(simulator.transcript().every((entry) => (entry.request as { model: string }).model === currentModel)).toBe(true);
  });

  it("rebuilds the text after a truncated fault at every seed", async () => {
    for (let seed = 1; seed <= 8; seed++) {
      await using simulator = await startModelSimulator({
        scenario: { ...scenario, faults: { seed, script: [{ kind: "truncated", file: "src/tricky.py", times: 3 }] } },
      });
      const { collected, stopReasons } = await generate(simulator, 4096, false);
      expect(stopReasons, `seed ${seed}`).toEqual(["max_tokens", "max_tokens", "max_tokens", "end_turn"]);
      expect(collected, `seed ${seed}`).toBe(trickyText);
    }
  });

  it("answers the full text when the earlier turn is not a prefix of the scenario text", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const message = await clientFor(simulator, { "x-asp-file": "src/tricky.py" }).messages.create(continueRequest(4096, "def something_else"));
    expect(textOf(message)).toBe(trickyText);
  });

  it("keeps the round's text for the continuation and advances only on the complete reply", async () => {
    const rounds = { name: "rounds", files: { "a.txt": ["first round text here", "second round"] } };
    await using simulator = await startModelSimulator({ scenario: rounds });
    const client = clientFor(simulator, { "x-asp-file": "a.txt", "x-asp-run": "run-1" });
    expect(textOf(await client.messages.create(fileRequest(2)))).toBe("first ro");
    expect(textOf(await client.messages.create(continueRequest(1, "first ro")))).toBe("und ");
    expect(textOf(await client.messages.create(continueRequest(100, "first round ")))).toBe("text here");
    expect(textOf(await client.messages.create(fileRequest()))).toBe("second round");
  });

  it("never wraps a continuation in a fence, since a model carrying on does not open one", async () => {
    await using simulator = await startModelSimulator({
      scenario: { ...scenario, faults: { rate: 1, kinds: ["fenced_file"] } },
    });
    const client = clientFor(simulator, { "x-asp-file": "src/tricky.py" });
    const start = trickyText.slice(0, 30);
    expect(textOf(await client.messages.create(continueRequest(4096, start)))).toBe(trickyText.slice(30));
    expect(simulator.stats().faults).toEqual({});
  });
});
