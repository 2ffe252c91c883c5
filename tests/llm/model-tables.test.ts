import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultModel } from "../../llm/config.ts";
import { capabilitiesOf } from "../../llm/model-capabilities.ts";
import { findPrice, type ModelPrice } from "../../llm/pricing.ts";

interface DocsModel {
  id: string;
  status: "latest" | "legacy" | "limited" | "deprecated" | "retired";
  price: ModelPrice | null;
  longPromptPrice?: ModelPrice & { thresholdTokens: number };
  maxOutputTokens: number;
  thinkingByDefault: boolean;
  defaultEffort: string | null;
  forcedToolChoice: boolean;
  nativeStructuredOutput: boolean;
}

const docs = JSON.parse(readFileSync(new URL("../../llm/models-from-docs.json", import.meta.url), "utf8")) as {
  checked: string;
  sources: string[];
  models: DocsModel[];
};
const available = docs.models.filter((model) => model.status !== "retired");
const priceOf = (entry: ModelPrice) => ({ input: entry.input, output: entry.output, cacheWrite: entry.cacheWrite, cacheWriteOneHour: entry.cacheWriteOneHour, cacheRead: entry.cacheRead });

describe("the price and capability tables against the docs' model list (llm/models-from-docs.json)", () => {
  it("is a dated copy with its sources", () => {
    expect(docs.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(docs.sources.length).toBeGreaterThan(0);
    expect(docs.sources.every((source) => source.startsWith("https://platform.claude.com/docs/"))).toBe(true);
    expect(docs.models.map((model) => model.id)).toEqual(expect.arrayContaining(["claude-fable-5-2", "claude-mythos-5-2"]));
  });

  it("prices every model the docs price, at the docs' rates, its own row rather than a shorter prefix's", () => {
    for (const model of docs.models.filter((entry) => entry.price !== null)) {
      const entry = findPrice(model.id);
      expect(entry?.prefix, model.id).toBe(model.id);
      expect(priceOf(entry!), model.id).toEqual(priceOf(model.price!));
      if (model.longPromptPrice) expect(entry!.longPrompt, model.id).toEqual(model.longPromptPrice);
      else expect(entry!.longPrompt, model.id).toBeUndefined();
    }
  });

  it("leaves no current or legacy model unpriced", () => {
    const unpriced = available.filter((model) => model.status !== "limited" && findPrice(model.id) === undefined);
    expect(unpriced.map((model) => model.id)).toEqual([]);
  });

  it("gives every available model the docs' capabilities", () => {
    for (const model of available) {
      const capabilities = capabilitiesOf(model.id);
      expect(capabilities.forcedToolChoice, `${model.id} forced tool choice`).toBe(model.forcedToolChoice);
      expect(capabilities.nativeStructuredOutput, `${model.id} native format`).toBe(model.nativeStructuredOutput);
      expect(capabilities.thinkingByDefault, `${model.id} thinks by default`).toBe(model.thinkingByDefault);
      expect(capabilities.maxOutputTokens, `${model.id} max output`).toBe(model.maxOutputTokens);
      if (model.defaultEffort === null) expect(capabilities.effortLevels, `${model.id} effort`).toEqual([]);
      else expect(capabilities.effortLevels, `${model.id} effort`).toContain(model.defaultEffort);
      // Every model from the 4.6 generation on rejects prefill.
      expect(capabilities.assistantPrefill, `${model.id} prefill`).toBe(/^claude-(opus|sonnet|haiku)-4-5/.test(model.id));
    }
  });

  it("has the native format wherever forced tool choice is refused, so structured output always has a shape", () => {
    for (const model of available.filter((entry) => !entry.forcedToolChoice)) expect(model.nativeStructuredOutput, model.id).toBe(true);
  });

  it("uses a current model as the default", () => {
    expect(docs.models.find((model) => model.id === defaultModel)?.status).toBe("latest");
  });
});
