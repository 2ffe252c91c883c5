/**
 * The pure arithmetic of the fleet-wide limit: what one model's KV value holds, whether a call fits
 * and, when it does not, how long to wait. No I/O here, so every rule is tested without a server.
 *
 * A window of `windowMs` is cut into `slotsPerWindow` slots. A call is admitted when the usage of the
 * current slot and the `slotsPerWindow + 1` before it, plus the call, stays within every limit. So
 * any two calls less than `windowMs + slotMs` apart see each other, and any span of that length
 * holds at most the limit: a call admitted just before a minute boundary but received by the server
 * just after it (up to one slot later) still counts in the minute the server sees it in (decision 1080).
 */
export const slotsPerWindow = 20;

export interface Usage {
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

export interface Slot extends Usage {
  /** floor(time / slotMs) of the calls counted here. */
  index: number;
}

/** One model's state, shared by the fleet: its recent slots and how long the model is paused. */
export interface ModelUsageState {
  slots: Slot[];
  /** Epoch milliseconds before which no call to this model may start (a 429's retry-after). */
  pausedUntil: number;
}

/** Per-window limits of one model; an absent limit does not bind. */
export interface UsageLimits {
  requests?: number | undefined;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
}

export const emptyState = (): ModelUsageState => ({ slots: [], pausedUntil: 0 });

export function slotLength(windowMs: number): number {
  return Math.max(1, Math.floor(windowMs / slotsPerWindow));
}

/** The oldest slot that still counts at `now`. */
function oldestCountedSlot(now: number, slotMs: number): number {
  return Math.floor(now / slotMs) - slotsPerWindow - 1;
}

/** The state without slots that no longer count. */
export function pruned(state: ModelUsageState, now: number, windowMs: number): ModelUsageState {
  const oldest = oldestCountedSlot(now, slotLength(windowMs));
  return { ...state, slots: state.slots.filter((slot) => slot.index >= oldest) };
}

function total(slots: Slot[]): Usage {
  return slots.reduce(
    (sum, slot) => ({ requests: sum.requests + slot.requests, inputTokens: sum.inputTokens + slot.inputTokens, outputTokens: sum.outputTokens + slot.outputTokens }),
    { requests: 0, inputTokens: 0, outputTokens: 0 },
  );
}

const dimensions = ["requests", "inputTokens", "outputTokens"] as const;

/**
 * A demand never asks for more than a whole window's limit: a prompt larger than the input limit
 * would otherwise wait forever. It is admitted alone into an empty window instead.
 */
export function cappedDemand(demand: Usage, limits: UsageLimits): Usage {
  const capped = { ...demand };
  for (const dimension of dimensions) {
    const limit = limits[dimension];
    if (limit !== undefined) capped[dimension] = Math.min(capped[dimension], limit);
  }
  return capped;
}

export type Admission =
  | { admitted: true; state: ModelUsageState; slot: number }
  | { admitted: false; waitMs: number; reason: "paused" | "requests" | "inputTokens" | "outputTokens" };

/** Admits `demand` at `now` (adding it to the current slot) or says how long until it could fit. */
export function admit(state: ModelUsageState, demand: Usage, limits: UsageLimits, now: number, windowMs: number): Admission {
  if (now < state.pausedUntil) return { admitted: false, waitMs: state.pausedUntil - now, reason: "paused" };
  const slotMs = slotLength(windowMs);
  const current = pruned(state, now, windowMs);
  const used = total(current.slots);
  let waitMs = 0;
  let reason: Exclude<Admission, { admitted: true }>["reason"] | undefined;
  for (const dimension of dimensions) {
    const limit = limits[dimension];
    if (limit === undefined || used[dimension] + demand[dimension] <= limit) continue;
    const wait = waitUntilRoom(current.slots, dimension, used[dimension] + demand[dimension] - limit, now, slotMs);
    if (reason === undefined || wait > waitMs) {
      waitMs = wait;
      reason = dimension;
    }
  }
  if (reason !== undefined) return { admitted: false, waitMs, reason };
  const index = Math.floor(now / slotMs);
  const slots = current.slots.map((slot) => ({ ...slot }));
  let slot = slots.find((candidate) => candidate.index === index);
  if (!slot) {
    slot = { index, requests: 0, inputTokens: 0, outputTokens: 0 };
    slots.push(slot);
  }
  for (const dimension of dimensions) slot[dimension] += demand[dimension];
  return { admitted: true, state: { ...current, slots }, slot: index };
}

/** How long until the oldest slots holding at least `excess` of `dimension` stop counting. */
function waitUntilRoom(slots: Slot[], dimension: keyof Usage, excess: number, now: number, slotMs: number): number {
  let freed = 0;
  for (const slot of [...slots].sort((a, b) => a.index - b.index)) {
    freed += slot[dimension];
    if (freed >= excess) return Math.max(1, (slot.index + slotsPerWindow + 2) * slotMs - now);
  }
  // Only a demand that exceeds the limit on its own gets here, and demands are capped; wait a slot.
  return slotMs;
}

/**
 * Replaces a reservation by what the call really used. Only a slot still counted is corrected: one
 * already past the window no longer limits anything. Counts never go below zero.
 */
export function reconciled(state: ModelUsageState, slotIndex: number, reserved: Usage, used: Usage): ModelUsageState {
  const slots = state.slots.map((slot) => {
    if (slot.index !== slotIndex) return slot;
    const next = { ...slot };
    for (const dimension of dimensions) next[dimension] = Math.max(0, slot[dimension] - reserved[dimension] + used[dimension]);
    return next;
  });
  return { ...state, slots };
}

/** Pauses the model until `until`, never shortening a longer pause another process set. */
export function pausedUntil(state: ModelUsageState, until: number): ModelUsageState {
  return { ...state, pausedUntil: Math.max(state.pausedUntil, until) };
}
