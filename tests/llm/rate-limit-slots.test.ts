import { describe, expect, it } from "vitest";
import { readRateLimitConfig } from "../../llm/fleet-rate-limit/config.ts";
import { admit, cappedDemand, emptyState, pausedUntil, reconciled, slotLength, slotsPerWindow, type ModelUsageState, type Usage } from "../../llm/fleet-rate-limit/usage-slots.ts";

const windowMs = 2000;
const slotMs = slotLength(windowMs);
const call = (inputTokens = 0, outputTokens = 0): Usage => ({ requests: 1, inputTokens, outputTokens });

/** Admits as many calls as fit at each time, returning the admission times. */
function admitGreedily(times: number[], limits: Parameters<typeof admit>[2], demand = call()): number[] {
  let state: ModelUsageState = emptyState();
  const admitted: number[] = [];
  for (const now of times) {
    for (;;) {
      const outcome = admit(state, demand, limits, now, windowMs);
      if (!outcome.admitted) break;
      state = outcome.state;
      admitted.push(now);
    }
  }
  return admitted;
}

describe("the fleet-wide limit's slots", () => {
  it("never lets any span of a window plus one slot hold more requests than the limit", () => {
    // Calls arriving every 37 ms (never on a slot's start) for 10 windows, each admitted when it fits.
    const times = Array.from({ length: Math.floor((10 * windowMs) / 37) }, (_, index) => 13 + index * 37);
    const admitted = admitGreedily(times, { requests: 5 });
    expect(admitted.length).toBeGreaterThan(20);
    for (const start of admitted) {
      const inSpan = admitted.filter((time) => time >= start && time < start + windowMs + slotMs);
      expect(inSpan.length, `calls in the span from ${start} ms`).toBeLessThanOrEqual(5);
    }
    // So the aligned windows a server counts in hold at most the limit, even with calls arriving up to a slot late.
    for (const delay of [0, slotMs / 2, slotMs]) {
      const perWindow = new Map<number, number>();
      for (const time of admitted) perWindow.set(Math.floor((time + delay) / windowMs), (perWindow.get(Math.floor((time + delay) / windowMs)) ?? 0) + 1);
      expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(5);
    }
  });

  it("says how long until the oldest counted slot leaves, and admits again then", () => {
    let state = emptyState();
    for (let index = 0; index < 3; index++) {
      const outcome = admit(state, call(), { requests: 3 }, 10, windowMs);
      if (!outcome.admitted) throw new Error("expected room");
      state = outcome.state;
    }
    const refused = admit(state, call(), { requests: 3 }, 500, windowMs);
    expect(refused).toMatchObject({ admitted: false, reason: "requests" });
    const waitMs = refused.admitted ? 0 : refused.waitMs;
    // The slot of time 10 counts for the window and one slot more.
    expect(500 + waitMs).toBe((slotsPerWindow + 2) * slotMs);
    expect(admit(state, call(), { requests: 3 }, 500 + waitMs - 1, windowMs).admitted).toBe(false);
    expect(admit(state, call(), { requests: 3 }, 500 + waitMs, windowMs).admitted).toBe(true);
  });

  it("limits input and output tokens as well as requests, and each binds on its own", () => {
    const tokens = admitGreedily([0], { inputTokens: 1000, outputTokens: 10_000 }, call(300, 100));
    expect(tokens).toHaveLength(3);
    const output = admitGreedily([0], { inputTokens: 100_000, outputTokens: 1000 }, call(10, 400));
    expect(output).toHaveLength(2);
    const refused = admit(emptyState(), call(10, 400), { requests: 10, outputTokens: 300 }, 0, windowMs);
    // A demand larger than the whole limit would never fit; capped, it is admitted alone.
    expect(refused.admitted).toBe(false);
    const capped = cappedDemand(call(10, 400), { outputTokens: 300 });
    expect(capped).toEqual({ requests: 1, inputTokens: 10, outputTokens: 300 });
    expect(admit(emptyState(), capped, { outputTokens: 300 }, 0, windowMs).admitted).toBe(true);
  });

  it("replaces a reservation by the real usage, so the unused output tokens are free again", () => {
    const first = admit(emptyState(), call(100, 800), { outputTokens: 1000 }, 0, windowMs);
    if (!first.admitted) throw new Error("expected room");
    expect(admit(first.state, call(100, 800), { outputTokens: 1000 }, 1, windowMs).admitted).toBe(false);
    const settled = reconciled(first.state, first.slot, call(100, 800), call(120, 50));
    expect(settled.slots[0]).toMatchObject({ requests: 1, inputTokens: 120, outputTokens: 50 });
    expect(admit(settled, call(100, 800), { outputTokens: 1000 }, 1, windowMs).admitted).toBe(true);
    // A slot already past the window is left alone.
    expect(reconciled(first.state, first.slot + 1, call(100, 800), call(0, 0))).toEqual(first.state);
  });

  it("holds every call while the model is paused, and a pause is never shortened", () => {
    const paused = pausedUntil(emptyState(), 5000);
    expect(admit(paused, call(), {}, 4999, windowMs)).toEqual({ admitted: false, waitMs: 1, reason: "paused" });
    expect(admit(paused, call(), {}, 5000, windowMs).admitted).toBe(true);
    expect(pausedUntil(paused, 3000).pausedUntil).toBe(5000);
    expect(pausedUntil(paused, 7000).pausedUntil).toBe(7000);
  });
});

describe("rate limit configuration", () => {
  it("reads the limits once, with a minute window by default, and no limit when unset", () => {
    expect(readRateLimitConfig({})).toEqual({ requestsPerWindow: undefined, inputTokensPerWindow: undefined, outputTokensPerWindow: undefined, windowMs: 60_000 });
    const config = readRateLimitConfig({ ASP_LLM_RPM: "50", ASP_LLM_INPUT_TPM: "40000", ASP_LLM_OUTPUT_TPM: "8000", ASP_LLM_RATE_WINDOW_MS: "2000" });
    expect(config).toEqual({ requestsPerWindow: 50, inputTokensPerWindow: 40_000, outputTokensPerWindow: 8000, windowMs: 2000 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("names every invalid variable", () => {
    expect(() => readRateLimitConfig({ ASP_LLM_RPM: "fifty", ASP_LLM_OUTPUT_TPM: "0" })).toThrow(/ASP_LLM_RPM: must be a whole number.*ASP_LLM_OUTPUT_TPM: must be at least 1/);
    expect(() => readRateLimitConfig({ ASP_LLM_RATE_WINDOW_MS: "50" })).toThrow(/ASP_LLM_RATE_WINDOW_MS: must be at least 100 ms/);
  });
});
