import type { KV } from "nats";
import { z } from "zod";
import { BusError } from "../../errors/asp-error.ts";
import { isTransient, retryTransient } from "../../bus/transient-retry.ts";
import { emptyState, type ModelUsageState } from "./usage-slots.ts";

/** A change to one model's state: the state to write (none: leave it), and what to return. */
export type StateChange<T> = (state: ModelUsageState) => { next?: ModelUsageState; result: T };

export interface UsageStateStore {
  /** Applies `change` atomically: re-read and re-applied until no other process wrote in between. */
  modify<T>(model: string, change: StateChange<T>): Promise<T>;
}

const usageSchema = { requests: z.number().nonnegative(), inputTokens: z.number().nonnegative(), outputTokens: z.number().nonnegative() };
const stateSchema = z.object({
  slots: z.array(z.object({ index: z.number().int(), ...usageSchema })),
  pausedUntil: z.number().nonnegative(),
});

/** JetStream's "wrong last sequence": someone else wrote the key since we read it. */
const wrongLastSequence = 10071;
/** Far more than eight writers ever need; past it something is wrong, and the call fails retryably. */
const maximumConflicts = 200;

function isConflict(error: unknown): boolean {
  return (error as { api_error?: { err_code?: number } } | undefined)?.api_error?.err_code === wrongLastSequence;
}

/** KV keys are subject tokens; a model name is kept readable but reduced to safe characters. */
export function keyFor(model: string): string {
  return model.replace(/[^A-Za-z0-9_-]/g, "_") || "_";
}

/** Times the bucket is opened afresh within one change before the change fails (retryably). */
const maximumReopens = 3;

/** The bucket's stream is gone: a restarted server does not keep a memory-storage bucket. */
function isMissingBucket(error: unknown): boolean {
  const apiCode = (error as { api_error?: { err_code?: number } } | undefined)?.api_error?.err_code;
  return apiCode === 10059 || isTransient(error) || /stream not found|no responders/i.test(String((error as Error)?.message));
}

/**
 * One key per model in the rate-limits bucket, updated by compare-and-set on the key's revision
 * (`create` when it is new, `update(key, value, revision)` after): two processes that read the same
 * revision cannot both write, so the fleet never admits more than the limit (decision 1080).
 * The bucket lives in memory, so a restarted server has lost it: a read or write that finds it gone
 * opens it again (which creates it, empty: the limits start a new window) instead of failing every
 * model call for the rest of the process's life.
 */
export function createUsageStateStore(open: (() => Promise<KV>) & { forget?: () => void }): UsageStateStore {
  return {
    async modify(model, change) {
      const key = keyFor(model);
      for (let conflicts = 0, reopens = 0; ; conflicts++) {
        const bucket = await open();
        let entry: Awaited<ReturnType<KV["get"]>>;
        try {
          entry = await retryTransient(() => bucket.get(key));
        } catch (error) {
          if (!isMissingBucket(error) || !open.forget || reopens >= maximumReopens) throw error;
          reopens += 1;
          open.forget();
          continue;
        }
        const outcome = change(entry !== null && entry.operation === "PUT" ? readState(entry.value) : emptyState());
        if (!outcome.next) return outcome.result;
        const value = JSON.stringify(outcome.next);
        try {
          // A deleted key still has a revision (its delete marker) to compare against.
          if (entry) await bucket.update(key, value, entry.revision);
          else await bucket.create(key, value);
          return outcome.result;
        } catch (error) {
          // A write that timed out may or may not have landed; reading again and re-deciding can only
          // count a call twice, never let one through unseen.
          if (!isConflict(error) && !isTransient(error)) {
            if (!isMissingBucket(error) || !open.forget || reopens >= maximumReopens) throw error;
            reopens += 1;
            open.forget();
          }
          if (conflicts >= maximumConflicts) {
            throw new BusError(`the rate-limit state of model ${model} kept changing under ${maximumConflicts} attempts to update it`, { cause: error, details: { model } });
          }
        }
      }
    },
  };
}

function readState(value: Uint8Array): ModelUsageState {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(new TextDecoder().decode(value)));
    // A value this code cannot read (an older format, a hand edit) is replaced rather than trusted.
    return parsed.success ? parsed.data : emptyState();
  } catch {
    return emptyState();
  }
}
