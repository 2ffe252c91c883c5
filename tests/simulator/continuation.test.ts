import type Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { startModelSimulator, type ModelSimulator } from "../../simulator/index.ts";
import { clientFor, fileRequest, textOf } from "./simulator-client.ts";

/** Text that JSON-in-code used to break: CRLF, tabs, unicode, backslashes, quotes, docstrings. */
const trickyText = [
  'def greet(name: str) -> str:\r\n',
  '\t"""Say hello; handles \\n and \\t literally."""\r\n',
  "\tpath = r'C:\\Users\\日本\\file.txt'  \r\n",
  '\treturn f"héllo {name} 👋🏽 — “quoted” \\\\ done"\n',
  "\n",
  "# trailing spaces then a tab \t\n",
  "EMOJI = '🧪🧬' * 3\n",
].join("");

const scenario = { name: "continuation", files: { "src/tricky.py": trickyText } };

/**
 * Continues cut generations as the model layer does: the prefill must not end in whitespace,
 * so it is trimmed and the reply brings the whitespace back.
 */
async function generate(simulator: ModelSimulator, maxTokens: number, streaming: boolean) {
  const client = clientFor(simulator, { "x-asp-file": "src/tricky.py", "x-asp-round": "1" });
  let collected = "";
  const stopReasons: string[] = [];
  let trimmed = 0;
  for (let call = 0; call < 200; call++) {
    const prefill = collected.trimEnd();
    if (prefill !== collected) trimmed += 1;
    const request = fileRequest(maxTokens, prefill === "" ? undefined : prefill);
    const message: Anthropic.Message = streaming
      ? await client.messages.stream(request).finalMessage()
      : await client.messages.create(request);
    collected = prefill + textOf(message);
    stopReasons.push(message.stop_reason ?? "none");
    if (message.stop_reason !== "max_tokens") break;
  }
  return { collected, stopReasons, trimmed };
}

describe("max_tokens cuts and continuation by assistant prefill", () => {
  it.each([false, true])("stitches the text back byte-exact (streaming: %s)", async (streaming) => {
    await using simulator = await startModelSimulator({ scenario });
    const { collected, stopReasons, trimmed } = await generate(simulator, 7, streaming);
    // The cuts land after whitespace at least once, so the trimmed-prefill path is exercised.
    expect(trimmed).toBeGreaterThan(0);
    expect(Buffer.from(collected, "utf8").equals(Buffer.from(trickyText, "utf8"))).toBe(true);
    expect(stopReasons.length).toBeGreaterThan(3);
    expect(stopReasons.slice(0, -1).every((reason) => reason === "max_tokens")).toBe(true);
    expect(stopReasons.at(-1)).toBe("end_turn");
  });

  it("cuts at max_tokens * 4 characters and reports max_tokens output tokens", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const message = await clientFor(simulator, { "x-asp-file": "src/tricky.py" }).messages.create(fileRequest(5));
    expect(message.stop_reason).toBe("max_tokens");
    expect(Array.from(textOf(message))).toHaveLength(20);
    expect(message.usage.output_tokens).toBe(5);
  });

  it("answers the full text when the prefill is not a prefix of the scenario text", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, { "x-asp-file": "src/tricky.py" });
    const message = await client.messages.create(fileRequest(4096, "def something_else"));
    expect(textOf(message)).toBe(trickyText);
  });

  it("rejects a prefill that ends in whitespace, as the API does", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, { "x-asp-file": "src/tricky.py" });
    await expect(client.messages.create(fileRequest(4096, "def greet(name: str) -> str:\r\n"))).rejects.toMatchObject({
      status: 400,
      error: { error: { type: "invalid_request_error", message: "final assistant content cannot end with trailing whitespace" } },
    });
  });

  it("keeps the round's text for a continuation: only a complete reply advances the counter", async () => {
    const rounds = { name: "rounds", files: { "a.txt": ["first round text here", "second round"] } };
    await using simulator = await startModelSimulator({ scenario: rounds });
    const client = clientFor(simulator, { "x-asp-file": "a.txt", "x-asp-run": "run-1" });
    const cut = await client.messages.create(fileRequest(2));
    expect(textOf(cut)).toBe("first ro");
    const rest = await client.messages.create(fileRequest(100, "first ro"));
    expect(textOf(rest)).toBe("und text here");
    expect(textOf(await client.messages.create(fileRequest()))).toBe("second round");
  });
});
