import { setTimeout as delay } from "node:timers/promises";

/** Time as a dependency, so tests and the transcript agree on what "now" is. */
export interface SimulatorClock {
  now(): number;
  /** Resolves after the delay, or early (never rejecting) when the signal aborts. */
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: SimulatorClock = {
  now: () => Date.now(),
  sleep: (milliseconds, signal) =>
    milliseconds > 0 && !signal?.aborted ? delay(milliseconds, undefined, { signal }).catch(() => undefined) : Promise.resolve(),
};
