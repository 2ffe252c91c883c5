import type { JetStreamManager } from "nats";
import type { ZodType } from "zod";
import { isNotFound } from "./resources.ts";
import { retryTransient } from "./transient-retry.ts";

const operationHeader = "KV-Operation";
const decoder = new TextDecoder();

/**
 * Every current value of a KV bucket that passes its schema. The stream leader lists the bucket's
 * keys (stream info with a subject filter), then each key's latest message is one get: no watcher,
 * so no consumer that a lost cluster node could strand (decision 0008), and older revisions are never
 * read. Deleted and purged keys drop out; a value that fails its schema (written by an older
 * version) is skipped, not fatal.
 */
export async function listKeyValues<T>(jsm: JetStreamManager, bucket: string, schema: ZodType<T>): Promise<T[]> {
  const stream = `KV_${bucket}`;
  const info = await retryTransient(() => jsm.streams.info(stream, { subjects_filter: `$KV.${bucket}.>` }));
  const values: T[] = [];
  for (const subject of Object.keys(info.state.subjects ?? {})) {
    const message = await retryTransient(() => jsm.streams.getMessage(stream, { last_by_subj: subject })).catch((error: unknown) => {
      // Purged or expired between the listing and the get.
      if (isNotFound(error)) return undefined;
      throw error;
    });
    if (!message) continue;
    const operation = message.header?.get(operationHeader);
    if (operation === "DEL" || operation === "PURGE") continue;
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(message.data));
    } catch {
      continue;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) values.push(parsed.data);
  }
  return values;
}
