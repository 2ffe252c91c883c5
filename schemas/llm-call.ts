import { z } from "zod";

/** The data of every `llm.call` event: one per HTTP attempt, retries included. */
export const llmCallSchema = z.object({
  agent: z.string(),
  model: z.string(),
  purpose: z.enum(["structured", "text"]),
  attempt: z.number().int().positive(),
  ok: z.boolean(),
  stopReason: z.string().nullable(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  /** True when the model has no price in llm/pricing.ts and costUsd is the default-price estimate. */
  estimated: z.boolean().optional(),
  latencyMs: z.number().nonnegative(),
  streaming: z.boolean(),
  file: z.string().optional(),
});
export type LlmCallRecord = z.infer<typeof llmCallSchema>;
