import { setMaxListeners } from "node:events";
import type { Logger } from "pino";
import type { SimulatorClock } from "./clock.ts";
import { FaultPicker } from "./fault-picker.ts";
import { MinuteUsageCounter } from "./minute-usage.ts";
import { PromptCache } from "./prompt-cache.ts";
import { ScenarioReplies } from "./scenario-replies.ts";
import type { FaultKind, LatencyModel, Scenario } from "./scenario-schema.ts";
import { ThinkingSigner } from "./thinking-signature.ts";
import type { TranscriptRecorder } from "./transcript.ts";

export interface StateOverrides {
  seed?: number | undefined;
  latency?: Partial<LatencyModel> | undefined;
}

/**
 * Everything a running simulator remembers. Replacing the scenario resets what depends on it
 * (call counters, scripted faults, random streams, the prompt cache); stats and transcript stay.
 */
export class SimulatorState {
  scenario!: Scenario;
  latency!: LatencyModel;
  replies!: ScenarioReplies;
  faults!: FaultPicker;
  readonly cache = new PromptCache();
  readonly faultCounts: Record<string, number> = {};
  /** Requests and tokens per model and minute, for rate-limit tests; kept across setScenario. */
  readonly minuteUsage: MinuteUsageCounter;
  readonly signer: ThinkingSigner;
  requests = 0;
  /** Aborted by close(), so replies waiting out their latency stop at once. */
  readonly closing = new AbortController();
  #nextId = 0;

  constructor(
    scenario: Scenario,
    readonly overrides: StateOverrides,
    readonly clock: SimulatorClock,
    readonly logger: Logger,
    readonly transcript: TranscriptRecorder,
    readonly requireApiKey: string | undefined,
    signer: ThinkingSigner = new ThinkingSigner(),
    minuteUsage: MinuteUsageCounter = new MinuteUsageCounter(),
  ) {
    this.signer = signer;
    this.minuteUsage = minuteUsage;
    this.setScenario(scenario);
    // Every reply waiting out its latency listens on this one signal: dozens at once is normal, not a leak.
    setMaxListeners(0, this.closing.signal);
  }

  setScenario(scenario: Scenario): void {
    this.scenario = scenario;
    this.latency = { ...scenario.latency, ...definedOnly(this.overrides.latency ?? {}) };
    this.replies = new ScenarioReplies(scenario);
    this.faults = new FaultPicker(scenario.faults, this.overrides.seed ?? scenario.faults.seed);
    this.cache.clear();
  }

  countFault(kind: FaultKind): void {
    this.faultCounts[kind] = (this.faultCounts[kind] ?? 0) + 1;
  }

  /** Ids that look like the API's and sort in request order. */
  newId(prefix: "msg" | "toolu" | "req"): string {
    this.#nextId += 1;
    return `${prefix}_sim_${this.#nextId.toString().padStart(12, "0")}`;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
