import { describe, expect, it } from "vitest";
import { startModelSimulator } from "../../simulator/index.ts";
import { clientFor, fileRequest } from "./simulator-client.ts";

const longContext = "The design document, repeated for every file. ".repeat(120);
const scenario = { name: "caching", files: { "src/a.py": "a = 1\n" } };

function cachedRequest(question: string, markQuestion = false) {
  return {
    ...fileRequest(),
    system: [{ type: "text" as const, text: longContext, cache_control: { type: "ephemeral" as const } }],
    messages: [
      {
        role: "user" as const,
        content: [{ type: "text" as const, text: question, ...(markQuestion ? { cache_control: { type: "ephemeral" as const } } : {}) }],
      },
    ],
  };
}

describe("prompt caching", () => {
  it("writes the prefix on the first call and reads it on the next", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, { "x-asp-file": "src/a.py" });
    const { input_tokens: total } = await client.messages.countTokens(cachedRequest("Write src/a.py"));
    const prefixTokens = Math.ceil(longContext.length / 4);

    const first = await client.messages.create(cachedRequest("Write src/a.py"));
    expect(first.usage).toMatchObject({ cache_creation_input_tokens: prefixTokens, cache_read_input_tokens: 0, input_tokens: total - prefixTokens });
    const second = await client.messages.stream(cachedRequest("Write src/a.py")).finalMessage();
    expect(second.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: prefixTokens, input_tokens: total - prefixTokens });
    expect(second.usage.output_tokens).toBe(2);
  });

  it("reads the longest cached prefix and writes up to the last breakpoint", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, { "x-asp-file": "src/a.py" });
    await client.messages.create(cachedRequest("first question", true));
    const question = "second question, a different one ".repeat(40);
    const second = await client.messages.create(cachedRequest(question, true));
    const systemTokens = Math.ceil(longContext.length / 4);
    const lastPrefixTokens = Math.ceil((longContext.length + "user".length + question.length) / 4);
    expect(second.usage.cache_read_input_tokens).toBe(systemTokens);
    expect(second.usage.cache_creation_input_tokens).toBe(lastPrefixTokens - systemTokens);
  });

  it("does not cache a prefix shorter than cache.minTokens", async () => {
    await using simulator = await startModelSimulator({ scenario: { ...scenario, cache: { minTokens: 5000 } } });
    const client = clientFor(simulator, { "x-asp-file": "src/a.py" });
    await client.messages.create(cachedRequest("q"));
    const again = await client.messages.create(cachedRequest("q"));
    expect(again.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(again.usage.input_tokens).toBeGreaterThan(1000);
  });

  it("does not cache without a cache_control breakpoint", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, { "x-asp-file": "src/a.py" });
    const request = { ...fileRequest(), system: longContext };
    await client.messages.create(request);
    const again = await client.messages.create(request);
    expect(again.usage.cache_read_input_tokens).toBe(0);
    expect(again.usage.input_tokens).toBe(Math.ceil((longContext.length + "user".length + "Write the file.".length) / 4));
  });
});
