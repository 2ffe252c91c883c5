import type { ConditionalReply } from "./conditional-schema.ts";
import { replyOf, resolveReply, type ConditionOutcome } from "./conditional-reply.ts";
import type { Scenario } from "./scenario-schema.ts";

/** Who is calling, from the x-asp-* headers (the real API ignores them). */
export interface CallIdentity {
  runId: string;
  agent: string | undefined;
  file: string | undefined;
  /** 1-based round from x-asp-round, when the caller sent one. */
  round: number | undefined;
}

export type ScenarioReply = (
  | { kind: "file"; file: string; text: string; round: number; counterKey: string }
  | { kind: "structured"; agent: string; scenarioKey: string; input: Record<string, unknown>; call: number; counterKey: string }
) & {
  /** Set when the entry was a conditional reply: whether the request carried its texts. */
  condition?: ConditionOutcome;
};

export type ReplyLookup = { ok: true; reply: ScenarioReply } | { ok: false; message: string };

/**
 * Finds the scenario entry for a call. Counters are kept per run id and agent (or file) so many
 * runs can share one server, and advance only when the caller got a complete, fault-free reply:
 * a retried or continued call sees the same entry again.
 */
export class ScenarioReplies {
  #scenario: Scenario;
  readonly #counters = new Map<string, number>();

  constructor(scenario: Scenario) {
    this.#scenario = scenario;
  }

  replace(scenario: Scenario): void {
    this.#scenario = scenario;
    this.#counters.clear();
  }

  /** `requestText` is what conditional entries are judged by (request-text.ts). */
  lookup(identity: CallIdentity, requestText: string): ReplyLookup {
    if (identity.file !== undefined) return this.#lookupFile(identity, identity.file, requestText);
    if (identity.agent !== undefined) return this.#lookupAgent(identity, identity.agent, requestText);
    return {
      ok: false,
      message: "the request has neither an x-asp-agent nor an x-asp-file header, so the simulator cannot choose a scenario reply",
    };
  }

  advance(reply: ScenarioReply): void {
    this.#counters.set(reply.counterKey, (this.#counters.get(reply.counterKey) ?? 0) + 1);
  }

  #lookupFile(identity: CallIdentity, file: string, requestText: string): ReplyLookup {
    const entry = Object.hasOwn(this.#scenario.files, file) ? this.#scenario.files[file] : undefined;
    if (entry === undefined) {
      return { ok: false, message: `scenario "${this.#scenario.name}" has no entry for file "${file}" (files.${file})` };
    }
    const counterKey = `${identity.runId}\u0000file\u0000${file}`;
    const round = identity.round ?? (this.#counters.get(counterKey) ?? 0) + 1;
    const { value: text, condition } = resolveAt(entry, round - 1, requestText, `files.${file}`);
    return { ok: true, reply: { kind: "file", file, text, round, counterKey, ...(condition ? { condition } : {}) } };
  }

  #lookupAgent(identity: CallIdentity, agent: string, requestText: string): ReplyLookup {
    const scenarioKey = agentKey(this.#scenario, agent);
    if (scenarioKey === undefined) {
      const base = baseOf(agent);
      const tried = base === agent ? `"${agent}"` : `"${agent}" or "${base}"`;
      return { ok: false, message: `scenario "${this.#scenario.name}" has no entry for agent ${tried} (agents.${agent})` };
    }
    const entry = this.#scenario.agents[scenarioKey]!;
    // Counted by the full header value: each specialist reviewer has its own sequence.
    const counterKey = `${identity.runId}\u0000agent\u0000${agent}`;
    const call = (this.#counters.get(counterKey) ?? 0) + 1;
    const { value: input, condition } = resolveAt(entry, call - 1, requestText, `agents.${scenarioKey}`);
    return { ok: true, reply: { kind: "structured", agent, scenarioKey, input, call, counterKey, ...(condition ? { condition } : {}) } };
  }
}

/** Exact key first, else the part before ':' ("design-review:security" falls back to "design-review"). */
export function agentKey(scenario: Scenario, agent: string): string | undefined {
  if (Object.hasOwn(scenario.agents, agent)) return agent;
  const base = baseOf(agent);
  return Object.hasOwn(scenario.agents, base) ? base : undefined;
}

function baseOf(agent: string): string {
  const colon = agent.indexOf(":");
  return colon === -1 ? agent : agent.slice(0, colon);
}

type Entry<T> = T | ConditionalReply<T>;

/** The reply for a 0-based position; past the end, the last entry repeats. A conditional's default label is its path. */
function resolveAt<T>(sequence: Entry<T> | Entry<T>[], position: number, requestText: string, path: string) {
  if (!Array.isArray(sequence)) return resolveReply(sequence, undefined, requestText, path);
  const index = Math.min(position, sequence.length - 1);
  return resolveReply(sequence[index]!, sequence[index - 1], requestText, `${path}[${index}]`);
}

/** The reply a sequence ends on, conditions met: what a caller sees once it is told everything. */
export function lastReplyOf<T>(sequence: Entry<T> | Entry<T>[]): T {
  return replyOf(Array.isArray(sequence) ? sequence[sequence.length - 1]! : sequence);
}
