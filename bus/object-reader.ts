import { createHash } from "node:crypto";
import type { JetStreamManager, ObjectStore } from "nats";
import { AspError } from "../errors/index.ts";
import { storedMessages } from "./stored-messages.ts";
import { retryTransient } from "./transient-retry.ts";

const digestPrefix = "SHA-256=";

/**
 * An object's bytes, or null when there is none by that name. The object's description comes from
 * the store (a message get); its chunks are read message by message rather than through the
 * client's ordered consumer, which a lost cluster node can strand (decision 0008). The digest is
 * checked as the client would.
 */
export async function readObject(store: ObjectStore, jsm: JetStreamManager, bucket: string, name: string): Promise<Uint8Array | null> {
  const info = await retryTransient(() => store.info(name));
  if (!info || info.deleted) return null;
  if (info.options?.link) throw new AspError(`object ${name} in ${bucket} is a link; links are not followed`, { code: "object_unreadable" });
  const chunks: Uint8Array[] = [];
  for await (const message of storedMessages(jsm, `OBJ_${bucket}`, `$O.${bucket}.C.${info.nuid}`)) chunks.push(message.data);
  const bytes = Buffer.concat(chunks);
  if (!info.digest.startsWith(digestPrefix)) throw new AspError(`object ${name} in ${bucket} has an unknown digest type: ${info.digest}`, { code: "object_unreadable" });
  const expected = Buffer.from(info.digest.slice(digestPrefix.length), "base64url");
  const actual = createHash("sha256").update(bytes).digest();
  if (bytes.byteLength !== info.size || !actual.equals(expected)) {
    // Retryable: a reader racing a replacement of the same name sees the new description with old chunks.
    throw new AspError(`object ${name} in ${bucket} is incomplete or corrupt: ${bytes.byteLength} of ${info.size} bytes, digest ${actual.toString("base64url")} for ${info.digest}`, { code: "object_corrupt", retryable: true });
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
