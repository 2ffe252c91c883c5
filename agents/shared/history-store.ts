import type { NatsConnection } from "nats";
import { cachedUntilFailure } from "../../bus/cached-until-failure.ts";
import { listKeyValues } from "../../bus/kv-listing.ts";
import type { Subjects } from "../../bus/subjects.ts";
import { historyRecordSchema, type HistoryRecord } from "../../schemas/postmortem.ts";

/** Finished runs, kept in a KV bucket so PROBE estimates learn from every past run of the fleet. */
export interface HistoryStore {
  list(): Promise<HistoryRecord[]>;
  put(record: HistoryRecord): Promise<void>;
}

export function createHistoryStore(connection: NatsConnection, subjects: Subjects): HistoryStore {
  const open = cachedUntilFailure(() => connection.jetstream().views.kv(subjects.historyBucket));
  const manager = cachedUntilFailure(() => connection.jetstreamManager());
  return {
    async list() {
      const records = await listKeyValues(await manager(), subjects.historyBucket, historyRecordSchema);
      return records.sort((left, right) => left.finishedAt.localeCompare(right.finishedAt));
    },
    async put(record) {
      const kv = await open();
      await kv.put(record.runId, JSON.stringify(historyRecordSchema.parse(record)));
    },
  };
}
