import { z } from "zod";
import { ConfigError } from "../errors/asp-error.ts";
import { capabilitiesOf, effortLevels, type EffortLevel } from "./model-capabilities.ts";
import { retryBudget } from "../bus/retry-budget.ts";

/**
 * The docs' current Sonnet (Sonnet 4.6 is legacy; docs/decisions/1060-default-model-claude-sonnet-5-5.md).
 * It thinks by default, rejects prefill and forced tool choice: structured calls use the native
 * structured-output format, cut files are continued by a user turn.
 */
export const defaultModel = "claude-sonnet-5-5";
const agentModelPrefix = "ASP_MODEL_";
const agentEffortPrefix = "ASP_LLM_EFFORT_";

/** An effort level, or `default`: send none, so the model's own default applies (docs: build-with-claude/effort). */
const effortSettings = [...effortLevels, "default"] as const;
export type EffortSetting = (typeof effortSettings)[number];
const effortSchema = z.string().trim().toLowerCase().pipe(z.enum(effortSettings));

const positiveInteger = z.coerce.number().int().positive();
const booleanText = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(["true", "false", "1", "0", "yes", "no"]))
  .transform((value) => value === "true" || value === "1" || value === "yes");

export const modelConfigSchema = z.object({
  apiKey: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
  model: z.string().min(1),
  /** Per-agent model overrides, keyed by agent name in kebab case ("file-writer"). */
  agentModels: z.record(z.string(), z.string().min(1)),
  streaming: z.boolean(),
  /** Off only to measure what caching saves (bench/cost.ts); the real API then bills every prompt token in full. */
  promptCaching: z.boolean(),
  maxAttempts: positiveInteger.max(20),
  timeoutMs: positiveInteger,
  maxTokens: z.object({ structured: positiveInteger, text: positiveInteger }),
  /** output_config.effort for every agent, unless the agent has its own; undefined sends none. */
  effort: z.enum(effortSettings).optional(),
  /** Per-agent effort, keyed by agent name in kebab case. */
  agentEfforts: z.record(z.string(), z.enum(effortSettings)),
  /**
   * Added to max_tokens for a model that thinks by default: thinking counts toward max_tokens, so
   * without it the thinking eats the output the caller asked for (docs/decisions/1062).
   */
  thinkingTokens: z.number().int().nonnegative(),
  retry: z.object({ baseDelayMs: z.number().int().nonnegative(), maxDelayMs: z.number().int().nonnegative() }),
});
export type ModelConfig = Readonly<z.infer<typeof modelConfigSchema>>;

/** Each field, the variable it comes from, how to read it and its default. */
const variables = {
  apiKey: { name: "ANTHROPIC_API_KEY", schema: z.string().min(1) },
  baseUrl: { name: "ASP_LLM_BASE_URL", schema: z.url() },
  model: { name: "ASP_MODEL", schema: z.string().trim().min(1), fallback: defaultModel },
  streaming: { name: "ASP_LLM_STREAMING", schema: booleanText, fallback: true },
  promptCaching: { name: "ASP_LLM_PROMPT_CACHING", schema: booleanText, fallback: true },
  maxAttempts: { name: "ASP_LLM_MAX_ATTEMPTS", schema: positiveInteger.max(20), fallback: retryBudget.modelAttemptsPerCall },
  timeoutMs: { name: "ASP_LLM_TIMEOUT_MS", schema: positiveInteger, fallback: 120_000 },
  structuredMaxTokens: { name: "ASP_LLM_MAX_TOKENS_STRUCTURED", schema: positiveInteger, fallback: 8_192 },
  textMaxTokens: { name: "ASP_LLM_MAX_TOKENS_TEXT", schema: positiveInteger, fallback: 16_384 },
  effort: { name: "ASP_LLM_EFFORT", schema: effortSchema },
  thinkingTokens: { name: "ASP_LLM_THINKING_TOKENS", schema: z.coerce.number().int().nonnegative(), fallback: 16_384 },
  retryBaseDelayMs: { name: "ASP_LLM_RETRY_BASE_MS", schema: z.coerce.number().int().nonnegative(), fallback: 500 },
  retryMaxDelayMs: { name: "ASP_LLM_RETRY_MAX_MS", schema: z.coerce.number().int().nonnegative(), fallback: 8_000 },
} as const;

type Variables = typeof variables;
type Read<K extends keyof Variables> = Variables[K] extends { fallback: infer F } ? z.output<Variables[K]["schema"]> | F : z.output<Variables[K]["schema"]> | undefined;

/**
 * Reads the model layer's configuration once from an env object (never process.env
 * directly), validates it and freezes it. Errors name the offending variable.
 */
export function readModelConfig(env: Record<string, string | undefined>): ModelConfig {
  const problems: string[] = [];
  const read = <K extends keyof Variables>(key: K): Read<K> => {
    const variable = variables[key];
    const raw = env[variable.name];
    if (raw === undefined || raw.trim() === "") return ("fallback" in variable ? variable.fallback : undefined) as Read<K>;
    const parsed = variable.schema.safeParse(raw);
    if (!parsed.success) {
      problems.push(`${variable.name}: ${parsed.error.issues.map((issue) => issue.message).join("; ")} (got "${key === "apiKey" ? "<hidden>" : raw}")`);
      return undefined as Read<K>;
    }
    return parsed.data as Read<K>;
  };

  const config = {
    apiKey: read("apiKey"),
    baseUrl: read("baseUrl") ?? readAnthropicBaseUrl(env, problems),
    model: read("model"),
    agentModels: readAgentModels(env, problems),
    streaming: read("streaming"),
    promptCaching: read("promptCaching"),
    maxAttempts: read("maxAttempts"),
    timeoutMs: read("timeoutMs"),
    maxTokens: { structured: read("structuredMaxTokens"), text: read("textMaxTokens") },
    effort: read("effort"),
    agentEfforts: {} as Record<string, EffortSetting>,
    thinkingTokens: read("thinkingTokens"),
    retry: { baseDelayMs: read("retryBaseDelayMs"), maxDelayMs: read("retryMaxDelayMs") },
  };
  const effortVariables = readAgentEfforts(env, problems);
  for (const [agent, { setting }] of Object.entries(effortVariables)) config.agentEfforts[agent] = setting;
  if (problems.length === 0) checkEffortsAgainstModels(config, effortVariables, problems);
  if (problems.length > 0) {
    throw new ConfigError(`Invalid model configuration: ${problems.join(", ")}`, { details: { variables: problems.map((problem) => problem.split(":")[0]) } });
  }
  const checked = modelConfigSchema.parse(config);
  return deepFreeze(checked);
}

/** The SDK's own variable is honoured as a fallback, read here so the SDK never reads the environment. */
function readAnthropicBaseUrl(env: Record<string, string | undefined>, problems: string[]): string | undefined {
  const raw = env["ANTHROPIC_BASE_URL"];
  if (raw === undefined || raw.trim() === "") return undefined;
  const parsed = z.url().safeParse(raw);
  if (!parsed.success) {
    problems.push(`ANTHROPIC_BASE_URL: not a URL (got "${raw}")`);
    return undefined;
  }
  return parsed.data;
}

function readAgentModels(env: Record<string, string | undefined>, problems: string[]): Record<string, string> {
  const models: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(agentModelPrefix) || value === undefined) continue;
    const agent = agentKey(name.slice(agentModelPrefix.length));
    if (agent === "") continue;
    if (value.trim() === "") {
      problems.push(`${name}: must name a model, got an empty value`);
      continue;
    }
    models[agent] = value.trim();
  }
  return models;
}

function readAgentEfforts(env: Record<string, string | undefined>, problems: string[]): Record<string, { setting: EffortSetting; variable: string }> {
  const efforts: Record<string, { setting: EffortSetting; variable: string }> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(agentEffortPrefix) || value === undefined) continue;
    const agent = agentKey(name.slice(agentEffortPrefix.length));
    if (agent === "") continue;
    const parsed = effortSchema.safeParse(value);
    if (!parsed.success) {
      problems.push(`${name}: must be one of ${effortSettings.join(", ")} (got "${value}")`);
      continue;
    }
    efforts[agent] = { setting: parsed.data, variable: name };
  }
  return efforts;
}

/**
 * Every agent's effort against the model it will call, so a level the model rejects with a 400
 * is a config error at start instead of a failed run (a call with another model named in the
 * request is checked when it is sent).
 */
function checkEffortsAgainstModels(
  config: { model: string | undefined; agentModels: Record<string, string>; effort: EffortSetting | undefined; agentEfforts: Record<string, EffortSetting> },
  effortVariables: Record<string, { variable: string }>,
  problems: string[],
): void {
  const checked: Array<{ agent: string | undefined; model: string; setting: EffortSetting | undefined }> = [
    { agent: undefined, model: config.model ?? defaultModel, setting: config.effort },
  ];
  for (const agent of new Set([...Object.keys(config.agentModels), ...Object.keys(config.agentEfforts)])) {
    checked.push({ agent, model: config.agentModels[agent] ?? config.model ?? defaultModel, setting: config.agentEfforts[agent] ?? config.effort });
  }
  for (const { agent, model, setting } of checked) {
    if (setting === undefined || setting === "default") continue;
    const accepted = capabilitiesOf(model).effortLevels;
    if (accepted.includes(setting)) continue;
    const variable = agent !== undefined && effortVariables[agent] ? effortVariables[agent].variable : "ASP_LLM_EFFORT";
    const escape = agent !== undefined && !effortVariables[agent] ? ` (set ${agentEffortPrefix}${agent.toUpperCase().replace(/-/g, "_")}=default to send none for this agent)` : "";
    const takes = accepted.length === 0 ? "takes no effort" : `takes ${accepted.join(", ")}`;
    problems.push(`${variable}: "${setting}" is not accepted by ${model}, which ${takes}${agent !== undefined ? ` (agent ${agent})` : ""}${escape}`);
  }
}

/** The effort an agent's calls send, or undefined for none (the model's default applies). */
export function effortFor(config: ModelConfig, agent: string): EffortLevel | undefined {
  const setting = config.agentEfforts[agentKey(agent)] ?? config.effort;
  return setting === undefined || setting === "default" ? undefined : setting;
}

/** "FILE_WRITER", "file_writer" and "file-writer" all name the same agent. */
export function agentKey(agent: string): string {
  return agent.trim().toLowerCase().replace(/_/g, "-");
}

/** The model an agent uses: its own override, else the default. */
export function modelFor(config: ModelConfig, agent: string): string {
  return config.agentModels[agentKey(agent)] ?? config.model;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
