import { costOf, type TokenUsage } from "../../llm/pricing.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { countTokens } from "../../simulator/token-count.ts";
import { round } from "./statistics.ts";

export interface TokenTotals extends TokenUsage {
  calls: number;
  usd: number;
  /** What the prompt side cost: input, cache writes and cache reads, priced (output left out). */
  inputUsd: number;
}

function emptyTotals(): TokenTotals {
  return { calls: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, usd: 0, inputUsd: 0 };
}

/** Sums llm.call events, priced again from the table so input and output cost can be split. */
export function totalsOf(calls: AspEvent[]): TokenTotals {
  const totals = emptyTotals();
  for (const call of calls) {
    const usage: TokenUsage = {
      inputTokens: Number(call.data.inputTokens),
      outputTokens: Number(call.data.outputTokens),
      cacheWriteTokens: Number(call.data.cacheWriteTokens),
      cacheReadTokens: Number(call.data.cacheReadTokens),
    };
    const model = String(call.data.model);
    totals.calls++;
    totals.inputTokens += usage.inputTokens;
    totals.outputTokens += usage.outputTokens;
    totals.cacheWriteTokens += usage.cacheWriteTokens;
    totals.cacheReadTokens += usage.cacheReadTokens;
    totals.usd += costOf(model, usage).usd;
    totals.inputUsd += costOf(model, { ...usage, outputTokens: 0 }).usd;
  }
  return { ...totals, usd: round(totals.usd, 6), inputUsd: round(totals.inputUsd, 6) };
}

export function costByPart(events: AspEvent[]) {
  const calls = events.filter((event) => event.type === "llm.call");
  const agentOf = (call: AspEvent) => String(call.data.agent ?? call.agent);
  return {
    run: totalsOf(calls),
    writers: totalsOf(calls.filter((call) => agentOf(call) === "file-writer")),
    codeStage: totalsOf(calls.filter((call) => agentOf(call) === "file-writer" || agentOf(call) === "code")),
  };
}

/**
 * The old design's one call that returns every file: the same system + design prompt as the code
 * agent's manifest call, once, and every file's text as a JSON string in the output.
 */
export function singleCallEstimate(events: AspEvent[], files: Record<string, string>) {
  const manifestCall = events.find((event) => event.type === "llm.call" && event.data.agent === "code" && event.data.ok === true);
  if (!manifestCall) throw new Error("the run has no successful code (manifest) call to take the prompt size from");
  const inputTokens = Number(manifestCall.data.inputTokens) + Number(manifestCall.data.cacheWriteTokens) + Number(manifestCall.data.cacheReadTokens);
  const output = JSON.stringify({ files: Object.entries(files).map(([path, content]) => ({ path, content })) });
  const outputTokens = countTokens(output);
  const model = String(manifestCall.data.model);
  const usage = { inputTokens, outputTokens, cacheWriteTokens: 0, cacheReadTokens: 0 };
  return { model, inputTokens, outputTokens, rawFileTokens: Object.values(files).reduce((total, text) => total + countTokens(text), 0), usd: round(costOf(model, usage).usd, 6) };
}
