import type { KV } from "nats";
import type { ZodType } from "zod";

/**
 * Every current value of a KV bucket that passes its schema. Keys are collected first: awaiting a
 * get inside the keys iterator ends the listing after its first key. A value that fails its schema
 * (written by an older version) is skipped, not fatal.
 */
export async function listKeyValues<T>(kv: KV, schema: ZodType<T>): Promise<T[]> {
  const keys: string[] = [];
  for await (const key of await kv.keys()) keys.push(key);
  const values: T[] = [];
  for (const key of keys) {
    const entry = await kv.get(key);
    if (!entry || entry.operation !== "PUT") continue;
    const parsed = schema.safeParse(entry.json());
    if (parsed.success) values.push(parsed.data);
  }
  return values;
}
