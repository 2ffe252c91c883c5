import { describe, expect, it } from "vitest";
import { readModelConfig } from "../../llm/config.ts";
import { startSimulatedModel } from "./support/simulated-model.ts";

// Long enough that system + shared context pass the simulator's 1024-token cache minimum.
const sharedContext = `Design of the project.\n${"The design says a lot about the project. ".repeat(200)}`;
const scenario = {
  name: "prompt-caching-switch",
  files: { "a.py": "print('a')\n", "b.py": "print('b')\n" },
};

async function twoFiles(env: Record<string, string>) {
  await using model = await startSimulatedModel({ scenario, env });
  for (const file of ["a.py", "b.py"]) {
    await model.client.text({ agent: "file-writer", file, system: "You write one file.", cachedContext: sharedContext, prompt: `Write ${file}.` });
  }
  const bodies = model.simulator.transcript().map((entry) => JSON.stringify(entry.request));
  return { records: [...model.records], bodies };
}

describe("ASP_LLM_PROMPT_CACHING", () => {
  it("defaults to on and names the variable when it is not a boolean", () => {
    expect(readModelConfig({}).promptCaching).toBe(true);
    expect(readModelConfig({ ASP_LLM_PROMPT_CACHING: "false" }).promptCaching).toBe(false);
    expect(() => readModelConfig({ ASP_LLM_PROMPT_CACHING: "sometimes" })).toThrow(/ASP_LLM_PROMPT_CACHING/);
  });

  it("on: the second file reads the shared context from the cache", async () => {
    const { records, bodies } = await twoFiles({});
    expect(bodies.every((body) => body.includes("cache_control"))).toBe(true);
    expect(records[0]!.cacheWriteTokens).toBeGreaterThan(1000);
    expect(records[1]!.cacheReadTokens).toBe(records[0]!.cacheWriteTokens);
  });

  it("off: no cache_control is sent and every prompt token is billed as input", async () => {
    const { records, bodies } = await twoFiles({ ASP_LLM_PROMPT_CACHING: "false" });
    expect(bodies.some((body) => body.includes("cache_control"))).toBe(false);
    for (const record of records) {
      expect(record.cacheWriteTokens + record.cacheReadTokens).toBe(0);
      expect(record.inputTokens).toBeGreaterThan(1000);
    }
  });
});
