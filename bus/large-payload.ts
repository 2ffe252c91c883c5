import type { NatsConnection } from "nats";
import { BusError, ValidationError } from "../errors/index.ts";
import type { EncodedPayload } from "./codec.ts";
import { headerNames, headerValue } from "./headers.ts";
import { cachedUntilFailure } from "./cached-until-failure.ts";
import { readObject } from "./object-reader.ts";
import type { Subjects } from "./subjects.ts";

/** Room left for headers (ids, trace, metadata) under the server's max_payload. */
export const defaultHeadroomBytes = 16 * 1024;

export interface PayloadStore {
  /** Bodies above the limit go to the object store; the message keeps only a reference header. */
  toMessage(payload: EncodedPayload, objectName: string): Promise<EncodedPayload & { headers: Record<string, string> }>;
  /** The body, fetched from the object store when the message carries a reference. */
  fromMessage(data: Uint8Array, headers: Record<string, string>): Promise<Uint8Array>;
  readonly limitBytes: number;
}

export function createPayloadStore(options: {
  connection: NatsConnection;
  subjects: Subjects;
  headroomBytes?: number;
  /** Override the limit (tests), otherwise max_payload announced by the server minus headroom. */
  limitBytes?: number;
}): PayloadStore {
  const maxPayload = options.connection.info?.max_payload ?? 1024 * 1024;
  const limitBytes = options.limitBytes ?? Math.max(1024, maxPayload - (options.headroomBytes ?? defaultHeadroomBytes));
  const objectStore = cachedUntilFailure(() => options.connection.jetstream().views.os(options.subjects.artifactsBucket));
  const manager = cachedUntilFailure(() => options.connection.jetstreamManager());
  return {
    limitBytes,
    async toMessage(payload, objectName) {
      const headers = { ...(payload.headers ?? {}) };
      if (payload.data.byteLength <= limitBytes) return { data: payload.data, headers };
      const name = `payloads/${objectName}`;
      try {
        await (await objectStore()).putBlob({ name }, payload.data);
      } catch (error) {
        throw new BusError(`could not store large payload ${name} (${payload.data.byteLength} bytes)`, { cause: error });
      }
      headers[headerNames.payloadRef] = name;
      return { data: new Uint8Array(0), headers };
    },
    async fromMessage(data, headers) {
      const reference = headerValue(headers, headerNames.payloadRef);
      if (!reference) return data;
      let blob: Uint8Array | null;
      try {
        blob = await readObject(await objectStore(), await manager(), options.subjects.artifactsBucket, reference);
      } catch (error) {
        throw new BusError(`could not fetch large payload ${reference}`, { cause: error });
      }
      if (!blob) throw new ValidationError(`message refers to payload ${reference}, which is not in the object store`);
      return blob;
    },
  };
}
