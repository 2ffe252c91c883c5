import { isConditional, type ConditionalReply, type Requirement } from "./conditional-schema.ts";

/** What the transcript records about a conditional entry: which of its texts the request lacked. */
export interface ConditionOutcome {
  label: string;
  met: boolean;
  /** The required texts the request did not contain; a regex shows as /pattern/. */
  missing: string[];
}

export interface ResolvedReply<T> {
  value: T;
  condition?: ConditionOutcome;
}

/**
 * The reply an entry gives for a request: a plain entry as it is; a conditional one its `reply`
 * when every requirement occurs in the request text (case-sensitive substring, or a regex match),
 * else its `fallback`, which defaults to the previous entry's reply.
 */
export function resolveReply<T>(
  entry: T | ConditionalReply<T>,
  previous: T | ConditionalReply<T> | undefined,
  requestText: string,
  defaultLabel: string,
): ResolvedReply<T> {
  if (!isConditional(entry)) return { value: entry };
  const missing = entry.requires.filter((requirement) => !occurs(requirement, requestText)).map(describe);
  const met = missing.length === 0;
  const condition = { label: entry.label ?? defaultLabel, met, missing };
  if (met) return { value: entry.reply, condition };
  // The schema rejects a first conditional without a fallback, so one of these exists.
  const fallback = entry.fallback ?? (previous === undefined ? entry.reply : replyOf(previous));
  return { value: fallback, condition };
}

/** The reply an entry stands for when it is someone's fallback, or the last text of a sequence. */
export function replyOf<T>(entry: T | ConditionalReply<T>): T {
  return isConditional(entry) ? entry.reply : entry;
}

function occurs(requirement: Requirement, text: string): boolean {
  return typeof requirement === "string" ? text.includes(requirement) : new RegExp(requirement.regex).test(text);
}

function describe(requirement: Requirement): string {
  return typeof requirement === "string" ? requirement : `/${requirement.regex}/`;
}
