/**
 * What a model accepts on the wire. Claude 4.6+ and every 5.x model reject a final
 * assistant message (prefill) with a 400, and Sonnet 5.5, Opus 5.5, Fable 5.1/5.2 and
 * Mythos 5.1/5.2 reject a forced tool_choice. The layer picks its request shape from here
 * instead of failing on newer models (see docs/decisions/0302-model-capabilities.md and
 * 1061). llm/models-from-docs.json is the docs' list these patterns are checked against.
 */
export interface ModelCapabilities {
  /** A trailing assistant message continues that text (used to resume a max_tokens cut byte-exactly). */
  assistantPrefill: boolean;
  /** tool_choice {type: "tool", name} is accepted. */
  forcedToolChoice: boolean;
  /**
   * How the model is asked to think: `adaptive` (thinking: {type: "adaptive"}, Claude 4.6 and later),
   * `enabled` (manual extended thinking with budget_tokens, the only mode up to Claude 4.5), or `none`.
   */
  thinking: "adaptive" | "enabled" | "none";
  /** The model thinks when the request has no `thinking` field (Claude 5.x, Mythos Preview); its replies then carry thinking blocks. */
  thinkingByDefault: boolean;
  /** thinking: {type: "enabled", budget_tokens} is accepted (Claude 4.7 and later reject it with a 400; 4.6 has it deprecated). */
  manualThinking: boolean;
  /** The native structured-output format, output_config.format {type: "json_schema", schema}, is accepted. */
  nativeStructuredOutput: boolean;
  /** The output_config.effort values the model accepts; empty when it takes no effort at all. */
  effortLevels: readonly EffortLevel[];
  /** The largest max_tokens the model accepts (thinking included); undefined for an id not in the docs. */
  maxOutputTokens: number | undefined;
}

export const effortLevels = ["low", "medium", "high", "xhigh", "max"] as const;
export type EffortLevel = (typeof effortLevels)[number];

/** Models known to accept prefill: everything before the 4.6 generation. */
const prefillFamilies = [
  /^claude-3/,
  /^claude-(opus|sonnet|haiku)-4(-[0-5])?(-\d{8}.*|-latest|-v\d.*|[@:[].*)?$/,
];

/** Models known to reject forced tool choice. */
const noForcedToolFamilies = [/^claude-sonnet-5-5/, /^claude-opus-5-5/, /^claude-(fable|mythos)-5-[12]/];

/** Max output per family, first match wins (docs: the model overview and each model page, read 2026-12-01). */
const maxOutputFamilies: { pattern: RegExp; tokens: number }[] = [
  { pattern: /^claude-(fable|mythos|opus|sonnet|haiku)-5/, tokens: 128_000 },
  { pattern: /^claude-mythos-preview/, tokens: 128_000 },
  { pattern: /^claude-opus-4-[678]/, tokens: 128_000 },
  { pattern: /^claude-sonnet-4-6/, tokens: 128_000 },
  { pattern: /^claude-(opus|sonnet|haiku)-4-5/, tokens: 64_000 },
  { pattern: /^claude-opus-4(-[01])?(-\d{8}.*|-latest|-v\d.*|[@:[].*)?$/, tokens: 32_000 },
  { pattern: /^claude-sonnet-4(-0)?(-\d{8}.*|-latest|-v\d.*|[@:[].*)?$/, tokens: 64_000 },
  { pattern: /^claude-3-7-sonnet/, tokens: 64_000 },
  { pattern: /^claude-3-5-haiku/, tokens: 8_192 },
  { pattern: /^claude-3-haiku/, tokens: 4_096 },
];

/**
 * Thinking by model family, first match wins (docs: build-with-claude/thinking-troubleshooting, the
 * per-model overview pages and the 5.x "what's new" pages, read 2026-11). Fable, Mythos and Opus 5.5
 * always think; Sonnet 5.5, Sonnet 5, Opus 5, Haiku 5.5 and Mythos Preview think by default; the 4.6-4.8
 * models take adaptive thinking when asked; up to 4.5 only manual extended thinking exists.
 */
const thinkingFamilies: { pattern: RegExp; thinking: ModelCapabilities["thinking"]; byDefault: boolean; manual: boolean }[] = [
  { pattern: /^claude-(fable|mythos)-5/, thinking: "adaptive", byDefault: true, manual: false },
  { pattern: /^claude-mythos-preview/, thinking: "adaptive", byDefault: true, manual: true },
  { pattern: /^claude-(opus|sonnet|haiku)-5/, thinking: "adaptive", byDefault: true, manual: false },
  { pattern: /^claude-opus-4-[78]/, thinking: "adaptive", byDefault: false, manual: false },
  { pattern: /^claude-(opus|sonnet)-4-6/, thinking: "adaptive", byDefault: false, manual: true },
  { pattern: /^claude-(opus|sonnet|haiku)-4/, thinking: "enabled", byDefault: false, manual: true },
  { pattern: /^claude-3-7-sonnet/, thinking: "enabled", byDefault: false, manual: true },
  { pattern: /^claude-3/, thinking: "none", byDefault: false, manual: false },
];

/** Models without the native structured-output format: Claude 3.x, Opus 4.0/4.1 and Sonnet 4.0 (docs: structured-outputs). */
const noNativeStructuredOutputFamilies = [/^claude-3/, /^claude-(opus|sonnet)-4(-[01])?(-\d{8}.*|-latest|-v\d.*|[@:[].*)?$/];

/** Effort by model family, first match wins (docs: build-with-claude/effort): none up to Sonnet/Haiku 4.5, no xhigh before Opus 4.7. */
const effortFamilies: { pattern: RegExp; levels: readonly EffortLevel[] }[] = [
  { pattern: /^claude-3/, levels: [] },
  { pattern: /^claude-(opus|sonnet)-4(-[01])?(-\d{8}.*|-latest|-v\d.*|[@:[].*)?$/, levels: [] },
  { pattern: /^claude-(sonnet|haiku)-4-5/, levels: [] },
  { pattern: /^claude-opus-4-5/, levels: ["low", "medium", "high"] },
  { pattern: /^claude-(opus|sonnet)-4-6/, levels: ["low", "medium", "high", "max"] },
];

export function capabilitiesOf(model: string): ModelCapabilities {
  const start = model.indexOf("claude-");
  const id = (start >= 0 ? model.slice(start) : model).toLowerCase();
  const knownClaude = id.startsWith("claude-");
  return {
    // Unknown ids (a local stand-in, a proxy alias) keep the classic behaviour the simulator speaks.
    assistantPrefill: !knownClaude || prefillFamilies.some((pattern) => pattern.test(id)),
    forcedToolChoice: !noForcedToolFamilies.some((pattern) => pattern.test(id)),
    ...thinkingOf(id),
    nativeStructuredOutput: !noNativeStructuredOutputFamilies.some((pattern) => pattern.test(id)),
    // Newer and unknown ids take every level.
    effortLevels: effortFamilies.find((family) => family.pattern.test(id))?.levels ?? effortLevels,
    maxOutputTokens: maxOutputFamilies.find((family) => family.pattern.test(id))?.tokens,
  };
}

function thinkingOf(id: string): Pick<ModelCapabilities, "thinking" | "thinkingByDefault" | "manualThinking"> {
  const family = thinkingFamilies.find((candidate) => candidate.pattern.test(id));
  // An unknown id (a local stand-in, a proxy alias) accepts either way of asking and thinks only when asked.
  if (!family) return { thinking: "adaptive", thinkingByDefault: false, manualThinking: true };
  return { thinking: family.thinking, thinkingByDefault: family.byDefault, manualThinking: family.manual };
}
