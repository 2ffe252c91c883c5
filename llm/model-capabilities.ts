/**
 * What a model accepts on the wire. Claude 4.6+ and every 5.x model reject a final
 * assistant message (prefill) with a 400, and Sonnet 5.5, Opus 5.5 and Fable 5.1
 * reject a forced tool_choice. The layer picks its request shape from here instead
 * of failing on newer models (see docs/decisions/0302-model-capabilities.md).
 */
export interface ModelCapabilities {
  /** A trailing assistant message continues that text (used to resume a max_tokens cut byte-exactly). */
  assistantPrefill: boolean;
  /** tool_choice {type: "tool", name} is accepted. */
  forcedToolChoice: boolean;
}

/** Models known to accept prefill: everything before the 4.6 generation. */
const prefillFamilies = [
  /^claude-3/,
  /^claude-(opus|sonnet|haiku)-4(-[0-5])?(-\d{8}.*|-latest|-v\d.*|[@:[].*)?$/,
];

/** Models known to reject forced tool choice. */
const noForcedToolFamilies = [/^claude-sonnet-5-5/, /^claude-opus-5-5/, /^claude-fable-5-1/, /^claude-mythos-5-1/];

export function capabilitiesOf(model: string): ModelCapabilities {
  const start = model.indexOf("claude-");
  const id = (start >= 0 ? model.slice(start) : model).toLowerCase();
  const knownClaude = id.startsWith("claude-");
  return {
    // Unknown ids (a local stand-in, a proxy alias) keep the classic behaviour the simulator speaks.
    assistantPrefill: !knownClaude || prefillFamilies.some((pattern) => pattern.test(id)),
    forcedToolChoice: !noForcedToolFamilies.some((pattern) => pattern.test(id)),
  };
}
