import type { NatsConnection } from "nats";
import { replayEvents, type Replay } from "../../bus/events.ts";
import type { Subjects } from "../../bus/subjects.ts";
import type { AspEvent } from "../../schemas/event.ts";
import type { InvalidEventReporter } from "../../schemas/events/index.ts";
import { applyEvent, emptyWatchState, type RunView, type WatchState } from "../watch/run-view.ts";

export type RunListener = (run: RunView, event: AspEvent) => void;

export interface LiveRuns {
  /** Every run seen so far, in order of first event. */
  current(): RunView[];
  subscribe(listener: RunListener): () => void;
  /** Resolves once the stored events have been folded in (the page then starts complete). */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

/**
 * One replay of the events stream for the whole dashboard, folded by the same pure view model as
 * `asp watch`; browsers get finished views over SSE and never parse events themselves.
 */
export async function followLiveRuns(connection: NatsConnection, subjects: Subjects, onInvalid?: InvalidEventReporter): Promise<LiveRuns> {
  let state: WatchState = emptyWatchState();
  const listeners = new Set<RunListener>();
  const jsm = await connection.jetstreamManager();
  const stored = (await jsm.streams.info(subjects.eventsStream)).state.last_seq;
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  if (stored === 0) markCaughtUp();
  const replay: Replay = await replayEvents({
    connection,
    subjects,
    follow: true,
    onInvalid: (error) => onInvalid?.(error),
    onEvent(event, sequence) {
      state = applyEvent(state, event, onInvalid);
      const run = state.runs[event.runId]!;
      for (const listener of listeners) listener(run, event);
      if (sequence >= stored) markCaughtUp();
    },
  });
  return {
    current: () => state.order.map((runId) => state.runs[runId]!),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    caughtUp,
    stop: () => replay.stop(),
  };
}
