/**
 * USD per million tokens for Claude models, matched by model id prefix. The docs' figures, with
 * their date, are in llm/models-from-docs.json (tests/llm/model-tables.test.ts holds this table to
 * them); docs/pricing.md explains the table. Update all three together.
 */
export interface ModelPrice {
  input: number;
  output: number;
  /** 5-minute cache write (the `ephemeral` default). */
  cacheWrite: number;
  /** 1-hour cache write. */
  cacheWriteOneHour: number;
  cacheRead: number;
}

export interface PriceEntry extends ModelPrice {
  prefix: string;
  /** A second band billed on every token of a request whose prompt exceeds the threshold. */
  longPrompt?: ModelPrice & { thresholdTokens: number };
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** All cache-write tokens; those written for one hour are also counted in cacheWriteOneHourTokens. */
  cacheWriteTokens: number;
  cacheReadTokens: number;
  cacheWriteOneHourTokens?: number;
}

export interface Cost {
  usd: number;
  /** False when the model is not in the table and the default price was used: the cost is an estimate. */
  priceKnown: boolean;
  /** The table entry used, or "default". */
  pricedAs: string;
}

const price = (input: number, output: number, cacheWrite: number, cacheWriteOneHour: number, cacheRead: number): ModelPrice => ({
  input,
  output,
  cacheWrite,
  cacheWriteOneHour,
  cacheRead,
});

export const priceTable: readonly PriceEntry[] = [
  { prefix: "claude-fable-5-2", ...price(8, 40, 10, 16, 0.2) },
  { prefix: "claude-mythos-5-2", ...price(8, 40, 10, 16, 0.2) },
  { prefix: "claude-fable-5-1", ...price(10, 50, 12.5, 20, 0.25) },
  { prefix: "claude-mythos-5-1", ...price(10, 50, 12.5, 20, 0.25) },
  { prefix: "claude-fable-5", ...price(10, 50, 12.5, 20, 1) },
  { prefix: "claude-mythos-5", ...price(10, 50, 12.5, 20, 1) },
  { prefix: "claude-opus-5-5", ...price(4, 20, 5, 8, 0.2) },
  { prefix: "claude-opus-5", ...price(5, 25, 6.25, 10, 0.5) },
  { prefix: "claude-opus-4-8", ...price(5, 25, 6.25, 10, 0.5) },
  { prefix: "claude-opus-4-7", ...price(5, 25, 6.25, 10, 0.5) },
  { prefix: "claude-opus-4-6", ...price(5, 25, 6.25, 10, 0.5) },
  { prefix: "claude-opus-4-5", ...price(5, 25, 6.25, 10, 0.5) },
  { prefix: "claude-opus-4-1", ...price(15, 75, 18.75, 30, 1.5) },
  { prefix: "claude-opus-4-0", ...price(15, 75, 18.75, 30, 1.5) },
  { prefix: "claude-opus-4", ...price(15, 75, 18.75, 30, 1.5) },
  { prefix: "claude-sonnet-5-5", ...price(2, 10, 2.5, 4, 0.1) },
  { prefix: "claude-sonnet-5", ...price(2, 10, 2.5, 4, 0.2) },
  { prefix: "claude-sonnet-4-6", ...price(3, 15, 3.75, 6, 0.3) },
  { prefix: "claude-sonnet-4-5", ...price(3, 15, 3.75, 6, 0.3) },
  { prefix: "claude-sonnet-4-0", ...price(3, 15, 3.75, 6, 0.3) },
  { prefix: "claude-sonnet-4", ...price(3, 15, 3.75, 6, 0.3) },
  { prefix: "claude-3-7-sonnet", ...price(3, 15, 3.75, 6, 0.3) },
  {
    prefix: "claude-haiku-5-5",
    ...price(0.1, 0.5, 0.125, 0.2, 0.01),
    longPrompt: { thresholdTokens: 100_000, ...price(0.5, 2.5, 0.625, 1, 0.05) },
  },
  { prefix: "claude-haiku-4-5", ...price(1, 5, 1.25, 2, 0.1) },
  { prefix: "claude-3-5-haiku", ...price(0.8, 4, 1, 1.6, 0.08) },
  { prefix: "claude-3-haiku", ...price(0.25, 1.25, 0.3, 0.5, 0.03) },
];

/** Used for a model not in the table: Sonnet-class rates, so an unknown model is neither free nor wildly overpriced. */
export const defaultPrice: ModelPrice = price(3, 15, 3.75, 6, 0.3);

/**
 * After the prefix only a date, a version or a context tag may follow, so that
 * "claude-opus-4" never prices a future "claude-opus-4-9".
 */
const allowedSuffix = /^(|-\d{8}.*|-latest|-v\d.*|@.*|:.*|\[.*)$/;

export function findPrice(model: string): PriceEntry | undefined {
  // Cloud ids ("us.anthropic.claude-opus-4-6-v1") carry a provider prefix.
  const start = model.indexOf("claude-");
  const id = (start >= 0 ? model.slice(start) : model).toLowerCase();
  let best: PriceEntry | undefined;
  for (const entry of priceTable) {
    if (!id.startsWith(entry.prefix) || !allowedSuffix.test(id.slice(entry.prefix.length))) continue;
    if (best === undefined || entry.prefix.length > best.prefix.length) best = entry;
  }
  return best;
}

export function costOf(model: string, usage: TokenUsage): Cost {
  const entry = findPrice(model);
  const promptTokens = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const rates: ModelPrice =
    entry?.longPrompt && promptTokens > entry.longPrompt.thresholdTokens ? entry.longPrompt : (entry ?? defaultPrice);
  const oneHour = Math.min(usage.cacheWriteOneHourTokens ?? 0, usage.cacheWriteTokens);
  const fiveMinute = usage.cacheWriteTokens - oneHour;
  const micro =
    usage.inputTokens * rates.input +
    usage.outputTokens * rates.output +
    fiveMinute * rates.cacheWrite +
    oneHour * rates.cacheWriteOneHour +
    usage.cacheReadTokens * rates.cacheRead;
  return { usd: roundUsd(micro / 1_000_000), priceKnown: entry !== undefined, pricedAs: entry?.prefix ?? "default" };
}

/** Twelve decimals: exact enough to sum thousands of calls, free of float noise in reports. */
function roundUsd(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}
