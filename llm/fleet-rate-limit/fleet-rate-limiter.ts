import type { Logger } from "pino";
import { abortableSleep } from "./abortable-sleep.ts";
import type { RateLimitConfig } from "./config.ts";
import type { ModelRateLimiter, Reservation } from "./types.ts";
import { admit, cappedDemand, type Admission, pausedUntil, pruned, reconciled, slotLength, type Usage, type UsageLimits } from "./usage-slots.ts";
import type { UsageStateStore } from "./usage-state-store.ts";

export interface FleetRateLimiterOptions {
  store: UsageStateStore;
  config: RateLimitConfig;
  clock: { now(): number };
  logger?: Logger;
  /** [0, 1); jitter spreads the waiters of one window or one pause so they do not all wake at once. */
  random?: () => number;
  sleep?: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
}

const settled: Reservation = { settle: async () => undefined };

/**
 * The fleet-wide limit, one state per model in JetStream KV (usage-state-store.ts). Every process
 * reserves before each HTTP attempt and settles after it; a 429's retry-after pauses the model for
 * every process. With no limits configured only pauses are shared, and nothing is counted.
 */
export function createFleetRateLimiter(options: FleetRateLimiterOptions): ModelRateLimiter {
  const { store, config, clock } = options;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  const limits: UsageLimits = {
    requests: config.requestsPerWindow,
    inputTokens: config.inputTokensPerWindow,
    outputTokens: config.outputTokensPerWindow,
  };
  const counting = Object.values(limits).some((limit) => limit !== undefined);
  const slotMs = slotLength(config.windowMs);
  // Up to a quarter of the wait, never more than a slot: enough to spread waiters, little enough not to idle.
  const jitter = (waitMs: number) => Math.floor(random() * Math.min(slotMs, Math.max(10, waitMs / 4)));

  return {
    async reserve(model, demand, signal) {
      const wanted = cappedDemand(demand, limits);
      for (;;) {
        signal?.throwIfAborted();
        const outcome = await store.modify<Admission | undefined>(model, (state) => {
          // Read on every try: a change re-applied after a conflict decides at its own time.
          const now = clock.now();
          if (!counting) {
            return { result: now < state.pausedUntil ? { admitted: false, waitMs: state.pausedUntil - now, reason: "paused" } : undefined };
          }
          const admission = admit(state, wanted, limits, now, config.windowMs);
          return admission.admitted ? { next: admission.state, result: admission } : { result: admission };
        });
        if (outcome === undefined) return settled;
        if (outcome.admitted) return reservationFor(model, outcome.slot, wanted);
        // Settled reservations give tokens back before their slot leaves the window: look again after a slot at most.
        const base = outcome.reason === "inputTokens" || outcome.reason === "outputTokens" ? Math.min(outcome.waitMs, slotMs) : outcome.waitMs;
        const waitMs = base + jitter(base);
        options.logger?.debug({ model, reason: outcome.reason, waitMs }, "waiting for the fleet-wide rate limit");
        await sleep(waitMs, signal);
      }
    },

    async pause(model, durationMs) {
      if (!(durationMs > 0)) return;
      const until = clock.now() + Math.max(0, durationMs);
      await store.modify(model, (state) => (state.pausedUntil >= until ? { result: undefined } : { next: pausedUntil(state, until), result: undefined }));
      options.logger?.info({ model, pausedForMs: durationMs }, "model paused fleet-wide by a retry-after");
    },
  };

  function reservationFor(model: string, slot: number, reserved: Usage): Reservation {
    let done = false;
    return {
      async settle(used) {
        if (done) return;
        done = true;
        // A failed attempt wrote nothing, but its request and (for all this process knows) its input were counted.
        const actual = used ?? { ...reserved, outputTokens: 0 };
        if (actual.requests === reserved.requests && actual.inputTokens === reserved.inputTokens && actual.outputTokens === reserved.outputTokens) return;
        try {
          await store.modify(model, (state) => ({ next: reconciled(pruned(state, clock.now(), config.windowMs), slot, reserved, actual), result: undefined }));
        } catch (error) {
          // The call is over and paid for; a correction that cannot be written only makes the limit stricter for a while.
          options.logger?.warn({ err: error, model }, "could not settle a rate-limit reservation");
        }
      },
    };
  }
}
