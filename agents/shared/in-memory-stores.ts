import { historyRecordSchema, type HistoryRecord } from "../../schemas/postmortem.ts";
import type { ArtifactStore } from "./artifact-store.ts";
import type { HistoryStore } from "./history-store.ts";

/** The artifact store in a map: the bytes as they were put, readable by name afterwards. */
export function createInMemoryArtifactStore(): ArtifactStore & { contents: Map<string, Uint8Array> } {
  const contents = new Map<string, Uint8Array>();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  return {
    contents,
    async put(name, content) {
      contents.set(name, typeof content === "string" ? new TextEncoder().encode(content) : content);
    },
    async get(name) {
      return contents.get(name);
    },
    async getText(name) {
      const bytes = contents.get(name);
      return bytes === undefined ? undefined : decoder.decode(bytes);
    },
  };
}

/** Past runs in a list; a record is checked by the same schema the KV store holds it to. */
export function createInMemoryHistoryStore(initial: HistoryRecord[] = []): HistoryStore & { records: HistoryRecord[] } {
  const records = [...initial];
  return {
    records,
    async list() {
      return [...records].sort((left, right) => left.finishedAt.localeCompare(right.finishedAt));
    },
    async put(record) {
      const parsed = historyRecordSchema.parse(record);
      const index = records.findIndex((existing) => existing.runId === parsed.runId);
      if (index >= 0) records[index] = parsed;
      else records.push(parsed);
    },
  };
}
