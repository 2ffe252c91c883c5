import { z } from "zod";

/** The data of every `llm.call` event: one per HTTP attempt, retries included. */
export const llmCallSchema = z.object({
  agent: z
    .string()
    .describe("the call's identity (model routing, model-server scenarios): the agent's name, or finer, e.g. `review-security:code` for a reviewer; not always the envelope's `agent`"),
  model: z.string().describe("the model asked"),
  purpose: z.enum(["structured", "text"]).describe("structured output (forced tool use) or raw text"),
  attempt: z.number().int().positive().describe("HTTP attempt of this call, from 1"),
  ok: z.boolean(),
  stopReason: z.string().nullable().describe("the API's stop_reason; null when the attempt failed"),
  errorCode: z.string().optional().describe("why a failed attempt failed, e.g. rate_limited"),
  errorMessage: z.string().optional().describe("scrubbed of secrets, shortened"),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative().describe("dollars, from llm/pricing.ts; what the budget and the postmortem sum"),
  estimated: z.boolean().optional().describe("true when the model has no price in llm/pricing.ts and costUsd is the default-price estimate"),
  latencyMs: z.number().nonnegative(),
  streaming: z.boolean(),
  file: z.string().optional().describe("the file a file-writer call wrote"),
});
export type LlmCallRecord = z.infer<typeof llmCallSchema>;
