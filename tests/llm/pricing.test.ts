import { describe, expect, it } from "vitest";
import { costOf, findPrice } from "../../llm/pricing.ts";

const usage = (inputTokens: number, outputTokens: number, cacheWriteTokens = 0, cacheReadTokens = 0) => ({ inputTokens, outputTokens, cacheWriteTokens, cacheReadTokens });

describe("pricing", () => {
  it("prices a million tokens of each kind at the table rate", () => {
    expect(costOf("claude-sonnet-4-5", usage(1_000_000, 0)).usd).toBe(3);
    expect(costOf("claude-sonnet-4-5", usage(0, 1_000_000)).usd).toBe(15);
    expect(costOf("claude-sonnet-4-5", usage(0, 0, 1_000_000)).usd).toBe(3.75);
    expect(costOf("claude-sonnet-4-5", usage(0, 0, 0, 1_000_000)).usd).toBeCloseTo(0.3, 12);
    expect(costOf("claude-haiku-4-5", usage(1000, 500, 2000, 4000)).usd).toBeCloseTo((1000 * 1 + 500 * 5 + 2000 * 1.25 + 4000 * 0.1) / 1e6, 12);
  });

  it("matches by prefix, dated ids included, longest prefix first", () => {
    expect(findPrice("claude-sonnet-4-5-20250929")?.prefix).toBe("claude-sonnet-4-5");
    expect(findPrice("claude-opus-4-1")?.input).toBe(15);
    expect(findPrice("claude-opus-4-5")?.input).toBe(5);
    expect(findPrice("claude-opus-5-5")?.input).toBe(4);
    expect(findPrice("us.anthropic.claude-opus-4-6-v1")?.prefix).toBe("claude-opus-4-6");
  });

  it("does not let a short prefix price a newer model", () => {
    expect(findPrice("claude-opus-4-9")).toBeUndefined();
    expect(findPrice("claude-sonnet-5-7")).toBeUndefined();
  });

  it("prices an unknown model at the default and says so", () => {
    const cost = costOf("some-local-model", usage(1_000_000, 0));
    expect(cost).toEqual({ usd: 3, priceKnown: false, pricedAs: "default" });
    expect(costOf("claude-haiku-4-5", usage(1, 1)).priceKnown).toBe(true);
  });

  it("prices one-hour cache writes at their own rate", () => {
    const cost = costOf("claude-sonnet-4-5", { ...usage(0, 0, 1_000_000), cacheWriteOneHourTokens: 400_000 });
    expect(cost.usd).toBeCloseTo(0.6 * 3.75 + 0.4 * 6, 12);
  });

  it("bills a long Haiku 5.5 prompt at the higher band", () => {
    expect(costOf("claude-haiku-5-5", usage(100_000, 0)).usd).toBeCloseTo(0.01, 12);
    expect(costOf("claude-haiku-5-5", usage(100_001, 0)).usd).toBeCloseTo(100_001 * 0.5 / 1e6, 12);
  });
});
