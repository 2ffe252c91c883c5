import type { NatsConnection, Subscription } from "nats";
import type { Subjects } from "../../bus/subjects.ts";
import { replayEvents, safeParseEvent } from "../../bus/events.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { parseEventData, type InvalidEventReporter } from "../../schemas/events/index.ts";
import { BudgetExceededError } from "../../errors/index.ts";
import type { RunStore } from "./run-store.ts";

/**
 * A run's budget: a model call is refused when what the run has spent so far plus what this call is
 * expected to cost would pass the budget. Spending is the sum of the run's `llm.call` events, the
 * same figures the postmortem reports.
 */
export interface BudgetGuard {
  check(runId: string, estimatedCostUsd: number): Promise<void>;
  spent(runId: string): Promise<number>;
  close(): void;
}

interface RunSpending {
  budgetUsd: number | undefined;
  spentUsd: number;
  seen: Set<string>;
}

/** Runs a long-lived agent remembers; the oldest is forgotten (and re-read if it comes back). */
const rememberedRuns = 256;

export function createBudgetGuard(options: { connection: NatsConnection; subjects: Subjects; runs: RunStore; onInvalid?: InvalidEventReporter }): BudgetGuard {
  const { connection, subjects, runs } = options;
  const byRun = new Map<string, Promise<RunSpending>>();
  let live: Subscription | undefined;

  const count = (spending: RunSpending, event: AspEvent) => {
    // Replay and the live tap overlap; event ids keep each call counted once.
    if (spending.seen.has(event.id)) return;
    spending.seen.add(event.id);
    // Through the catalogue: a call whose data fails its schema is reported and counts nothing, rather than NaN.
    const call = parseEventData(event, "llm.call");
    if (call.success) spending.spentUsd += call.data.costUsd;
    else options.onInvalid?.(call.error, event);
  };

  const startLiveTap = () => {
    if (live) return;
    live = connection.subscribe(`${subjects.namespace}.events.*.*.llm.call`, {
      callback: (error, message) => {
        if (error) return;
        const parsed = safeParseEvent(message.data);
        if (!parsed.success) return;
        const spending = byRun.get(parsed.data.runId);
        void spending?.then((value) => count(value, parsed.data));
      },
    });
  };

  const load = (runId: string): Promise<RunSpending> => {
    let spending = byRun.get(runId);
    if (!spending) {
      startLiveTap();
      spending = (async () => {
        const state = await runs.get(runId).catch(() => undefined);
        const value: RunSpending = { budgetUsd: state?.budgetUsd, spentUsd: 0, seen: new Set() };
        if (value.budgetUsd === undefined) return value;
        const replay = await replayEvents({
          connection,
          subjects,
          runId,
          // Only the run's llm.call events are read, not every event of the run.
          type: "llm.call",
          onEvent: (event) => count(value, event),
        });
        await replay.done;
        return value;
      })();
      byRun.set(runId, spending);
      if (byRun.size > rememberedRuns) byRun.delete(byRun.keys().next().value!);
    }
    return spending;
  };

  return {
    async check(runId, estimatedCostUsd) {
      const spending = await load(runId);
      if (spending.budgetUsd === undefined) return;
      if (spending.spentUsd + estimatedCostUsd > spending.budgetUsd) {
        // `asp resume --budget` raises a run's budget in its state; read it again before refusing.
        const state = await runs.get(runId).catch(() => undefined);
        if (state?.budgetUsd !== undefined) spending.budgetUsd = Math.max(spending.budgetUsd, state.budgetUsd);
      }
      if (spending.spentUsd + estimatedCostUsd > spending.budgetUsd) {
        throw new BudgetExceededError(
          `the run's budget of $${spending.budgetUsd.toFixed(4)} would be exceeded: $${spending.spentUsd.toFixed(4)} spent, and the next model call is expected to cost $${estimatedCostUsd.toFixed(4)}`,
          { details: { budgetUsd: spending.budgetUsd, spentUsd: spending.spentUsd, estimatedCostUsd } },
        );
      }
    },
    async spent(runId) {
      return (await load(runId)).spentUsd;
    },
    close() {
      live?.unsubscribe();
    },
  };
}
