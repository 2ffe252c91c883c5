import type { Usage } from "./usage-slots.ts";

/** What one HTTP attempt is expected to use, reserved before it is sent. */
export type Demand = Usage;

/** A reservation held while the attempt runs; settle it once, with what the attempt really used. */
export interface Reservation {
  /**
   * `used` is the attempt's real usage when it answered; undefined when it failed, which gives back
   * the reserved output tokens (none were written) and keeps the request and input tokens counted.
   */
  settle(used: Usage | undefined): Promise<void>;
}

/**
 * One limit per model for the whole fleet. `reserve` waits (with jitter) until the model's window has
 * room and the model is not paused; `pause` stops every process's calls to the model for a while.
 */
export interface ModelRateLimiter {
  reserve(model: string, demand: Demand, signal?: AbortSignal): Promise<Reservation>;
  pause(model: string, durationMs: number): Promise<void>;
}
