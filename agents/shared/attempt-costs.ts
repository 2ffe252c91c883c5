import type { AspEvent } from "../../schemas/event.ts";
import { knownEvents, type InvalidEventReporter } from "../../schemas/events/index.ts";

export interface AttemptCost {
  attempt: number;
  calls: number;
  costUsd: number;
}

/** The event that opens every attempt after the first (decision 1180). */
export const attemptStartedEvent = "run.attempt_started" as const;

/**
 * What each attempt of a run cost. An llm.call belongs to the attempt whose `run.attempt_started`
 * came last before it in the events stream: the stream keeps the run's order, and an attempt only
 * starts once the one before it has ended, so no call of an earlier attempt can arrive later.
 */
export function costByAttempt(events: AspEvent[], onInvalid?: InvalidEventReporter): AttemptCost[] {
  const attempts: AttemptCost[] = [{ attempt: 1, calls: 0, costUsd: 0 }];
  // Read through the catalogue: an event that fails its schema is skipped (and reported), not summed as NaN.
  for (const event of knownEvents(events, onInvalid)) {
    if (event.type === attemptStartedEvent) {
      attempts.push({ attempt: event.data.attempt, calls: 0, costUsd: 0 });
    } else if (event.type === "llm.call") {
      const current = attempts.at(-1)!;
      current.calls += 1;
      current.costUsd += event.data.costUsd;
    }
  }
  return attempts;
}

export function totalCost(events: AspEvent[], onInvalid?: InvalidEventReporter): number {
  return costByAttempt(events, onInvalid).reduce((sum, attempt) => sum + attempt.costUsd, 0);
}
