import type { Logger } from "../logging/logger.ts";
import { capabilitiesOf, type EffortLevel } from "./model-capabilities.ts";

/**
 * max_tokens for a call whose caller asked for `outputTokens` of output. Thinking tokens count toward
 * max_tokens (docs: build-with-claude/thinking), and a model that thinks by default spends them
 * before it writes, so such a model gets `thinkingTokens` more, capped at its documented max output.
 * With adaptive thinking there is no budget_tokens to add; the allowance is ours (docs/decisions/1062).
 */
export function maxTokensFor(model: string, outputTokens: number, thinkingTokens: number): number {
  const capabilities = capabilitiesOf(model);
  if (!capabilities.thinkingByDefault || thinkingTokens <= 0) return outputTokens;
  const ceiling = Math.max(outputTokens, capabilities.maxOutputTokens ?? Number.POSITIVE_INFINITY);
  return Math.min(outputTokens + thinkingTokens, ceiling);
}

const droppedEfforts = new Set<string>();

/**
 * The effort to send to `model`, or undefined. The config checked every agent's effort against its
 * model; a call that names another model in the request is checked here, and a level that model
 * rejects is dropped (its default applies) with one warning per model and level.
 */
export function effortToSend(model: string, effort: EffortLevel | undefined, logger: Logger): EffortLevel | undefined {
  if (effort === undefined) return undefined;
  if (capabilitiesOf(model).effortLevels.includes(effort)) return effort;
  const key = `${model}\u0000${effort}`;
  if (!droppedEfforts.has(key)) {
    droppedEfforts.add(key);
    logger.warn({ model, effort }, "the model does not accept this effort; the call is sent without output_config.effort");
  }
  return undefined;
}
