import { z } from "zod";
import { replySequenceSchemaOf } from "./conditional-schema.ts";

/** Every fault the simulator can inject; see docs/scenarios.md for what each one looks like on the wire. */
export const faultKinds = [
  "overloaded",
  "rate_limited",
  "server_error",
  "stream_error",
  "invalid_tool_input",
  "json_in_prose",
  "fenced_file",
  "truncated",
  "slow",
] as const;
export const faultKindSchema = z.enum(faultKinds);
export type FaultKind = z.infer<typeof faultKindSchema>;

export const latencyModelSchema = z.strictObject({
  /** Delay before the first byte of the reply (ms). */
  timeToFirstTokenMs: z.number().nonnegative().default(0),
  /** Output speed; 0 means instant. */
  tokensPerSecond: z.number().nonnegative().default(0),
});
export type LatencyModel = z.infer<typeof latencyModelSchema>;

const toolInputSchema = z.record(z.string(), z.unknown());

/**
 * A structured reply: one tool input for every call, or one per call with the last repeating; any
 * entry may be a conditional reply (see conditional-schema.ts).
 */
const agentReplySchema = replySequenceSchemaOf(toolInputSchema, true);

/** A raw file reply: one text for every round, or one per round with the last repeating; any entry may be conditional. */
const fileReplySchema = replySequenceSchemaOf(z.string(), false);

export const scriptedFaultSchema = z
  .strictObject({
    kind: faultKindSchema,
    /** Matches the x-asp-agent header, exactly or by the part before ':'. */
    agent: z.string().min(1).optional(),
    /** Matches the x-asp-file header exactly. */
    file: z.string().min(1).optional(),
    /** Matches the x-asp-run header exactly. */
    run: z.string().min(1).optional(),
    times: z.number().int().positive().default(1),
    /** retry-after of this fault's 429/529, instead of faults.retryAfterSeconds. */
    retryAfterSeconds: z.number().nonnegative().optional(),
  });
export type ScriptedFault = z.infer<typeof scriptedFaultSchema>;

export const faultsSchema = z.strictObject({
  seed: z.number().int().default(1),
  rate: z.number().min(0).max(1).default(0),
  kinds: z.array(faultKindSchema).default([...faultKinds]),
  script: z.array(scriptedFaultSchema).default([]),
  /** Extra delay of the `slow` fault. */
  slowMs: z.number().nonnegative().default(1500),
  /** Value of the retry-after header on 429 and 529; fractions are allowed so tests stay fast. */
  retryAfterSeconds: z.number().nonnegative().default(0),
});
export type FaultsConfig = z.infer<typeof faultsSchema>;

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  /** Free-form task description; the CLI may use it as the run's task. */
  task: z.record(z.string(), z.unknown()).optional(),
  model: z.string().min(1).optional(),
  latency: latencyModelSchema.default({ timeToFirstTokenMs: 0, tokensPerSecond: 0 }),
  cache: z.strictObject({ minTokens: z.number().int().nonnegative().default(1024) }).default({ minTokens: 1024 }),
  /**
   * Whether replies carry a thinking block when the request has no `thinking` field: true or false
   * for every model; absent, the model's own default (llm/model-capabilities.ts thinkingByDefault).
   */
  thinking: z.boolean().optional(),
  /** Length of a generated thinking block; it counts toward max_tokens and output tokens, as real thinking does. */
  thinkingTokens: z.number().int().positive().default(16),
  agents: z.record(z.string(), agentReplySchema).default({}),
  files: z.record(z.string(), fileReplySchema).default({}),
  faults: faultsSchema.default({
    seed: 1,
    rate: 0,
    kinds: [...faultKinds],
    script: [],
    slowMs: 1500,
    retryAfterSeconds: 0,
  }),
});

/** A validated scenario, defaults filled in. */
export type Scenario = z.infer<typeof scenarioSchema>;
/** What a scenario file or object may contain before defaults are applied. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
