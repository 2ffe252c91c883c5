import type { CallIdentity } from "./scenario-replies.ts";
import type { FaultKind, FaultsConfig, ScriptedFault } from "./scenario-schema.ts";
import { RandomStreams, type RandomSource } from "./random.ts";

/** What the picker needs to know to decide which faults make sense for a request. */
export interface FaultTarget {
  identity: CallIdentity;
  replyKind: "file" | "structured";
  /** The request continues earlier output (by prefill or by a user turn). */
  continuation: boolean;
  /** Characters of the text the reply would carry before faults (file replies). */
  replyCharacters: number;
  /** The request asked for the native structured-output format, whose JSON the API guarantees. */
  nativeFormat?: boolean;
}

export interface PickedFault {
  kind: FaultKind;
  /** A scripted fault's own retry-after (seconds), when it has one. */
  retryAfterSeconds?: number;
}

/**
 * Decides the fault of each request: scripted faults first, consumed in order by matching
 * requests, then a seeded random draw at `rate` among the applicable `kinds`.
 */
export class FaultPicker {
  readonly #config: FaultsConfig;
  readonly #streams: RandomStreams;
  readonly #remaining: number[];

  constructor(config: FaultsConfig, seed: number) {
    this.#config = config;
    this.#streams = new RandomStreams(seed);
    this.#remaining = config.script.map((entry) => entry.times);
  }

  /** The random stream of one caller; also used for the fault's own choices (where to truncate). */
  randomFor(identity: CallIdentity): RandomSource {
    return this.#streams.stream(`${identity.runId}\u0000${identity.file ?? identity.agent ?? ""}`);
  }

  pick(target: FaultTarget): PickedFault | undefined {
    const random = this.randomFor(target.identity);
    // Drawn on every request, so a scripted fault does not shift the random sequence that follows.
    const gate = random();
    const scripted = this.#takeScripted(target);
    if (scripted) return scripted;
    if (gate >= this.#config.rate) return undefined;
    const kinds = this.#config.kinds.filter((kind) => applies(kind, target));
    if (kinds.length === 0) return undefined;
    return { kind: kinds[Math.floor(random() * kinds.length)]! };
  }

  /**
   * Each matching request uses up one of an entry's `times`, retries included: `times: 5` answers
   * the next five matching requests with the fault, however they are spread over calls and retries.
   */
  #takeScripted(target: FaultTarget): PickedFault | undefined {
    for (const [index, entry] of this.#config.script.entries()) {
      if ((this.#remaining[index] ?? 0) <= 0) continue;
      if (!matches(entry, target)) continue;
      this.#remaining[index]! -= 1;
      return { kind: entry.kind, ...(entry.retryAfterSeconds !== undefined ? { retryAfterSeconds: entry.retryAfterSeconds } : {}) };
    }
    return undefined;
  }
}

/** A fault that cannot show on a request (a fence around a tool call) is never chosen for it. */
export function applies(kind: FaultKind, target: FaultTarget): boolean {
  switch (kind) {
    case "invalid_tool_input":
    case "json_in_prose":
      // The native format constrains the model to the schema's JSON, so neither can happen there.
      return target.replyKind === "structured" && !target.nativeFormat;
    case "fenced_file":
      // A model continuing its own cut output does not open a new fence.
      return target.replyKind === "file" && !target.continuation;
    case "truncated":
      // A file cut needs at least one character kept and one dropped.
      return target.replyKind === "structured" || target.replyCharacters >= 2;
    default:
      return true;
  }
}

function matches(entry: ScriptedFault, target: FaultTarget): boolean {
  const { identity } = target;
  if (entry.run !== undefined && entry.run !== identity.runId) return false;
  if (entry.file !== undefined && entry.file !== identity.file) return false;
  if (entry.agent !== undefined) {
    const agent = identity.agent;
    if (agent === undefined) return false;
    if (agent !== entry.agent && agent.split(":")[0] !== entry.agent) return false;
  }
  return applies(entry.kind, target);
}
