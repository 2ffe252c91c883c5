export { abortableSleep } from "./abortable-sleep.ts";
export { defaultRateWindowMs, readRateLimitConfig, type RateLimitConfig } from "./config.ts";
export { createFleetRateLimiter, type FleetRateLimiterOptions } from "./fleet-rate-limiter.ts";
export type { Demand, ModelRateLimiter, Reservation } from "./types.ts";
export { createUsageStateStore, keyFor, type UsageStateStore } from "./usage-state-store.ts";
export type { ModelUsageState, Usage, UsageLimits } from "./usage-slots.ts";
