import { describe, expect, it } from "vitest";
import { createFleetRateLimiter, type RateLimitConfig, type UsageStateStore } from "../../llm/fleet-rate-limit/index.ts";
import { emptyState, slotLength, type ModelUsageState } from "../../llm/fleet-rate-limit/usage-slots.ts";

// The limiter's jitter (llm/fleet-rate-limit/fleet-rate-limiter.ts, decision 1080): waiters of one pause or one full
// window must not all wake at the same instant, and none may wake later than a quarter of the wait (at most a slot).

const model = "claude-sonnet-4-6";
const call = { requests: 1, inputTokens: 10, outputTokens: 10 };

/** One process's view of the shared state, kept in memory: the jitter does not depend on the KV bucket. */
function memoryStore(): UsageStateStore {
  const states = new Map<string, ModelUsageState>();
  return {
    async modify(key, change) {
      const outcome = change(states.get(key) ?? emptyState());
      if (outcome.next) states.set(key, outcome.next);
      return outcome.result;
    },
  };
}

/** Random numbers spread over [0, 1), the last one just under 1 so the upper bound is reached. */
function spreadRandom(count: number): () => number {
  const values = Array.from({ length: count }, (_, index) => (index === count - 1 ? 0.999 : index / count));
  let next = 0;
  return () => values[next++ % values.length]!;
}

/**
 * A limiter whose clock the test moves and whose sleeps are recorded and held until released, so the first wait of
 * every waiter is known exactly, with no real time spent.
 */
function limiterWithRecordedSleeps(config: RateLimitConfig, waiters: number) {
  let now = 1_000_000;
  const wakeTimes: number[] = [];
  const held: Array<() => void> = [];
  const limiter = createFleetRateLimiter({
    store: memoryStore(),
    config,
    clock: { now: () => now },
    random: spreadRandom(waiters),
    sleep: (milliseconds) => {
      wakeTimes.push(now + milliseconds);
      return new Promise<void>((resolve) => held.push(resolve));
    },
  });
  return {
    limiter,
    wakeTimes,
    now: () => now,
    /** Moves the clock past every recorded wake time and lets the sleepers go. */
    release() {
      now = Math.max(...wakeTimes);
      for (const resolve of held.splice(0)) resolve();
    },
  };
}

async function untilSleeping(wakeTimes: number[], count: number): Promise<void> {
  for (let tries = 0; wakeTimes.length < count; tries++) {
    if (tries > 1000) throw new Error(`only ${wakeTimes.length} of ${count} waiters went to sleep`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const noLimits: RateLimitConfig = { requestsPerWindow: undefined, inputTokensPerWindow: undefined, outputTokensPerWindow: undefined, windowMs: 60_000 };

describe("the fleet rate limiter's jitter", () => {
  it("wakes the waiters of one pause at different times, all after the pause and within a quarter of it", async () => {
    const waiters = 8;
    const pauseMs = 2000;
    const { limiter, wakeTimes, now, release } = limiterWithRecordedSleeps(noLimits, waiters);
    await limiter.pause(model, pauseMs);
    const pauseEnds = now() + pauseMs;
    const reservations = Array.from({ length: waiters }, () => limiter.reserve(model, call));
    await untilSleeping(wakeTimes, waiters);

    // A quarter of the wait (500 ms), under the slot of a minute window (3 s).
    const bound = Math.min(slotLength(noLimits.windowMs), pauseMs / 4);
    expect(bound).toBe(500);
    expect(new Set(wakeTimes).size).toBe(waiters);
    for (const wake of wakeTimes) {
      expect(wake).toBeGreaterThanOrEqual(pauseEnds);
      expect(wake).toBeLessThan(pauseEnds + bound);
    }
    // Spread over most of the bound, not bunched at the pause's end.
    expect(Math.max(...wakeTimes) - Math.min(...wakeTimes)).toBeGreaterThan(bound * 0.9);

    release();
    await Promise.all(reservations);
  });

  it("caps the jitter of the waiters of a full window at one slot, however long the wait", async () => {
    const waiters = 6;
    const config: RateLimitConfig = { ...noLimits, requestsPerWindow: 1, windowMs: 2000 };
    const slotMs = slotLength(config.windowMs);
    const { limiter, wakeTimes, now, release } = limiterWithRecordedSleeps(config, waiters);
    await (await limiter.reserve(model, call)).settle(call);
    const startedWaiting = now();
    const controller = new AbortController();
    const reservations = Array.from({ length: waiters }, () => limiter.reserve(model, call, controller.signal));
    await untilSleeping(wakeTimes, waiters);

    // Every waiter sees the same full window, so without jitter they would all wake at once.
    const waits = wakeTimes.map((wake) => wake - startedWaiting);
    const base = Math.min(...waits);
    expect(base).toBeGreaterThan(4 * slotMs);
    expect(new Set(waits).size).toBe(waiters);
    for (const wait of waits) expect(wait - base).toBeLessThan(slotMs);
    expect(Math.max(...waits) - base).toBeGreaterThan(slotMs * 0.9);

    release();
    // One of them gets the next window and the rest wait again; aborted, they give up at their next wake.
    await untilSleeping(wakeTimes, 2 * waiters - 1);
    controller.abort(new Error("the test is over"));
    release();
    const outcomes = await Promise.allSettled(reservations);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
  });
});
