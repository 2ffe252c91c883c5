import type { NatsConnection } from "nats";
import { cachedUntilFailure } from "../../bus/cached-until-failure.ts";
import { listKeyValues } from "../../bus/kv-listing.ts";
import { retryTransient } from "../../bus/transient-retry.ts";
import type { Subjects } from "../../bus/subjects.ts";
import { runStateSchema, type RunState } from "../../schemas/run.ts";

/** Run state in the runs KV bucket: the orchestrator writes it after every step, and resumes from it. */
export interface RunStore {
  get(runId: string): Promise<RunState | undefined>;
  put(state: RunState): Promise<void>;
  list(): Promise<RunState[]>;
}

export function createRunStore(connection: NatsConnection, subjects: Subjects): RunStore {
  const open = cachedUntilFailure(() => connection.jetstream().views.kv(subjects.runsBucket));
  const manager = cachedUntilFailure(() => connection.jetstreamManager());
  return {
    async get(runId) {
      const bucket = await open();
      const entry = await retryTransient(() => bucket.get(runId));
      if (!entry || entry.operation !== "PUT") return undefined;
      return runStateSchema.parse(entry.json());
    },
    async put(state) {
      const bucket = await open();
      const value = JSON.stringify(runStateSchema.parse(state));
      // Writing the same state twice is harmless, so a put that timed out while a node was away is repeated.
      await retryTransient(() => bucket.put(state.runId, value));
    },
    async list() {
      const states = await listKeyValues(await manager(), subjects.runsBucket, runStateSchema);
      return states.sort((left, right) => left.startedAt.localeCompare(right.startedAt));
    },
  };
}
