import { connect, type NatsConnection } from "nats";
import { describe, expect, it } from "vitest";
import { cachedUntilFailure } from "../../bus/cached-until-failure.ts";
import { rateLimitsBucketOptions } from "../../bus/resources.ts";
import type { Subjects } from "../../bus/subjects.ts";
import { createFleetRateLimiter, createUsageStateStore, keyFor, type ModelRateLimiter, type RateLimitConfig, type UsageStateStore } from "../../llm/fleet-rate-limit/index.ts";
import { slotLength } from "../../llm/fleet-rate-limit/usage-slots.ts";
import { setupBus, type TestBus } from "../support/nats.ts";

const model = "claude-sonnet-4-6";

interface Admitted {
  process: number;
  /** The time the admitting compare-and-set decided at. */
  at: number;
}

/**
 * One "process": its own connection, store and limiter. The store is watched so each admission's
 * decision time is known exactly (the clock read by the change that was written).
 */
async function startProcess(bus: TestBus, index: number, config: RateLimitConfig, admitted: Admitted[]): Promise<{ limiter: ModelRateLimiter; connection: NatsConnection }> {
  const connection = await connect({ servers: bus.url, name: `rate-limit-${index}` });
  const real = createUsageStateStore(cachedUntilFailure(() => connection.jetstream().views.kv(bus.subjects.rateLimitsBucket, rateLimitsBucketOptions())));
  let lastRead = 0;
  const clock = { now: () => (lastRead = Date.now()) };
  const store: UsageStateStore = {
    async modify(key, change) {
      let decidedAt = 0;
      const result = await real.modify(key, (state) => {
        const outcome = change(state);
        decidedAt = lastRead;
        return outcome;
      });
      if ((result as { admitted?: boolean } | undefined)?.admitted) admitted.push({ process: index, at: decidedAt });
      return result;
    },
  };
  return { limiter: createFleetRateLimiter({ store, config, clock }), connection };
}

async function readState(connection: NatsConnection, subjects: Subjects) {
  const entry = await (await connection.jetstream().views.kv(subjects.rateLimitsBucket)).get(keyFor(model));
  return entry?.json<{ slots: Array<{ requests: number; inputTokens: number; outputTokens: number }>; pausedUntil: number }>();
}

describe("the fleet-wide rate limit on a real nats-server", () => {
  it("8 processes reserving at once never admit more than the limit in any window", async () => {
    await using bus = await setupBus();
    const config: RateLimitConfig = { requestsPerWindow: 3, inputTokensPerWindow: undefined, outputTokensPerWindow: undefined, windowMs: 600 };
    const admitted: Admitted[] = [];
    const processes = await Promise.all(Array.from({ length: 8 }, (_, index) => startProcess(bus, index, config, admitted)));
    try {
      await Promise.all(
        processes.map(async ({ limiter }) => {
          for (let call = 0; call < 2; call++) await (await limiter.reserve(model, { requests: 1, inputTokens: 10, outputTokens: 10 })).settle({ requests: 1, inputTokens: 10, outputTokens: 10 });
        }),
      );
      expect(admitted).toHaveLength(16);
      const span = config.windowMs + slotLength(config.windowMs);
      for (const first of admitted) {
        const together = admitted.filter((other) => other.at >= first.at && other.at < first.at + span);
        expect(together.length, `admissions in the ${span} ms from ${first.at}`).toBeLessThanOrEqual(3);
      }
      // Every process got its turn, and the shared state counted every admission once.
      expect(new Set(admitted.map((entry) => entry.process)).size).toBe(8);
      const state = await readState(bus.connection, bus.subjects);
      expect(state!.slots.reduce((sum, slot) => sum + slot.requests, 0)).toBeGreaterThan(0);
    } finally {
      for (const { connection } of processes) await connection.close();
    }
  });

  it("a pause set by one process holds every other process until it ends", async () => {
    await using bus = await setupBus();
    for (const limits of [{ requestsPerWindow: 100 }, {}]) {
      const config: RateLimitConfig = { requestsPerWindow: undefined, inputTokensPerWindow: undefined, outputTokensPerWindow: undefined, windowMs: 1000, ...limits };
      const admitted: Admitted[] = [];
      const processes = await Promise.all(Array.from({ length: 8 }, (_, index) => startProcess(bus, index, config, admitted)));
      try {
        const before = Date.now();
        await processes[0]!.limiter.pause(model, 700);
        // A shorter pause from another process does not shorten it.
        await processes[1]!.limiter.pause(model, 1);
        const state = await readState(bus.connection, bus.subjects);
        expect(state!.pausedUntil).toBeGreaterThanOrEqual(before + 700);
        const returned = await Promise.all(
          processes.map(async ({ limiter }) => {
            await limiter.reserve(model, { requests: 1, inputTokens: 1, outputTokens: 1 });
            return Date.now();
          }),
        );
        // Without counting, an admission writes nothing; with it, it is recorded. Either way none is before the pause's end.
        if (config.requestsPerWindow !== undefined) expect(admitted).toHaveLength(8);
        for (const time of [...returned, ...admitted.map((entry) => entry.at)]) expect(time).toBeGreaterThanOrEqual(state!.pausedUntil);
      } finally {
        for (const { connection } of processes) await connection.close();
      }
    }
  });

  it("settling gives back the output tokens an attempt reserved but did not write", async () => {
    await using bus = await setupBus();
    // A long window: the waiting reservation can only get in because the first one is settled, not because its slot left.
    const config: RateLimitConfig = { requestsPerWindow: undefined, inputTokensPerWindow: undefined, outputTokensPerWindow: 1000, windowMs: 4000 };
    const admitted: Admitted[] = [];
    const { limiter, connection } = await startProcess(bus, 0, config, admitted);
    try {
      const first = await limiter.reserve(model, { requests: 1, inputTokens: 100, outputTokens: 900 });
      const controller = new AbortController();
      // The second reservation does not fit until the first is settled; aborting its wait rejects with the reason.
      const waiting = limiter.reserve(model, { requests: 1, inputTokens: 100, outputTokens: 900 }, controller.signal);
      await first.settle({ requests: 1, inputTokens: 120, outputTokens: 40 });
      await waiting.then((reservation) => reservation.settle(undefined));
      const state = await readState(connection, bus.subjects);
      // 40 written by the first; the second failed, so its 900 came back; both inputs stay counted.
      expect(state!.slots.reduce((sum, slot) => sum + slot.outputTokens, 0)).toBe(40);
      expect(state!.slots.reduce((sum, slot) => sum + slot.inputTokens, 0)).toBe(220);
      const blocked = await limiter.reserve(model, { requests: 1, inputTokens: 1, outputTokens: 960 });
      const refused = limiter.reserve(model, { requests: 1, inputTokens: 1, outputTokens: 900 }, controller.signal);
      controller.abort(new Error("the job was cancelled"));
      await expect(refused).rejects.toThrow("the job was cancelled");
      await blocked.settle(undefined);
    } finally {
      await connection.close();
    }
  });
});
