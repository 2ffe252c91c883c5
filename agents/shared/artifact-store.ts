import type { NatsConnection } from "nats";
import type { Subjects } from "../../bus/subjects.ts";
import { cachedUntilFailure } from "../../bus/cached-until-failure.ts";
import { readObject } from "../../bus/object-reader.ts";
import { retryTransient } from "../../bus/transient-retry.ts";

/** Generated files and reports, in the JetStream object store so any machine of the fleet can read them. */
export interface ArtifactStore {
  put(name: string, content: Uint8Array | string): Promise<void>;
  get(name: string): Promise<Uint8Array | undefined>;
  getText(name: string): Promise<string | undefined>;
}

export function fileArtifactName(runId: string, round: number, filePath: string): string {
  return `${runId}/files/r${round}/${filePath}`;
}

/** While a cluster node is down some object store requests time out (decision 0703); reads and writes by name repeat safely. */
export function createArtifactStore(connection: NatsConnection, subjects: Subjects): ArtifactStore {
  const open = cachedUntilFailure(() => connection.jetstream().views.os(subjects.artifactsBucket));
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const manager = cachedUntilFailure(() => connection.jetstreamManager());
  const read = async (name: string) => (await readObject(await open(), await manager(), subjects.artifactsBucket, name)) ?? undefined;
  return {
    async put(name, content) {
      const bytes = typeof content === "string" ? encoder.encode(content) : content;
      await retryTransient(async () => (await open()).putBlob({ name }, bytes));
    },
    get: read,
    async getText(name) {
      const bytes = await read(name);
      return bytes ? decoder.decode(bytes) : undefined;
    },
  };
}
