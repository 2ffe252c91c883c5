import type { JetStreamManager } from "nats";
import type { ZodType } from "zod";
import { storedMessages } from "./stored-messages.ts";

const operationHeader = "KV-Operation";

/**
 * Every current value of a KV bucket that passes its schema. The bucket's stream is read message by
 * message (no watcher, so no consumer that a lost cluster node could strand), keeping the latest
 * per key; deleted and purged keys drop out. A value that fails its schema (written by an older
 * version) is skipped, not fatal.
 */
export async function listKeyValues<T>(jsm: JetStreamManager, bucket: string, schema: ZodType<T>): Promise<T[]> {
  const latest = new Map<string, { data: Uint8Array; operation: string | undefined }>();
  for await (const message of storedMessages(jsm, `KV_${bucket}`, `$KV.${bucket}.>`)) {
    latest.set(message.subject, { data: message.data, operation: message.header?.get(operationHeader) || undefined });
  }
  const values: T[] = [];
  for (const entry of latest.values()) {
    if (entry.operation === "DEL" || entry.operation === "PURGE") continue;
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(entry.data));
    } catch {
      continue;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) values.push(parsed.data);
  }
  return values;
}
