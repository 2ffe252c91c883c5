import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createEventPublisher, replayEvents } from "../../bus/events.ts";
import { listKeyValues } from "../../bus/kv-listing.ts";
import { readObject } from "../../bus/object-reader.ts";
import { storedMessages } from "../../bus/stored-messages.ts";
import { setupBus } from "../support/nats.ts";

const encoder = new TextEncoder();

describe("reads that need no consumer (message gets from the stream leader)", () => {
  it("storedMessages yields one subject filter's messages in order, from a given sequence, and ends", async () => {
    await using bus = await setupBus();
    const js = bus.connection.jetstream();
    const published: number[] = [];
    for (let index = 0; index < 7; index++) {
      const runId = index % 2 === 0 ? "even" : "odd";
      const acknowledgement = await js.publish(bus.subjects.event(runId, "planning", "job.started"), encoder.encode(String(index)));
      if (runId === "even") published.push(acknowledgement.seq);
    }
    const jsm = await bus.connection.jetstreamManager();
    const read = async (from?: number) => {
      const sequences: number[] = [];
      for await (const message of storedMessages(jsm, bus.subjects.eventsStream, bus.subjects.runEvents("even"), from)) sequences.push(message.seq);
      return sequences;
    };
    expect(await read()).toEqual(published);
    expect(await read(published[1]! + 1)).toEqual(published.slice(2));
    expect(await read(published.at(-1)! + 1)).toEqual([]);
  });

  it("listKeyValues returns each key's latest value, without deleted or purged keys or values that fail the schema", async () => {
    await using bus = await setupBus();
    const kv = await bus.connection.jetstream().views.kv(bus.subjects.runsBucket);
    await kv.put("a", JSON.stringify({ value: 1 }));
    await kv.put("b", JSON.stringify({ value: 2 }));
    await kv.put("a", JSON.stringify({ value: 3 }));
    await kv.put("c", JSON.stringify({ value: 4 }));
    await kv.delete("b");
    await kv.put("d", JSON.stringify({ value: 5 }));
    await kv.purge("d");
    await kv.put("e", "not json");
    await kv.put("f", JSON.stringify({ value: "not a number" }));
    const values = await listKeyValues(await bus.connection.jetstreamManager(), bus.subjects.runsBucket, z.object({ value: z.number() }));
    expect(values.map((entry) => entry.value).sort()).toEqual([3, 4]);
  });

  it("readObject returns an object of many chunks byte for byte, null for a missing or deleted one, and refuses a corrupt one", async () => {
    await using bus = await setupBus();
    const store = await bus.connection.jetstream().views.os(bus.subjects.artifactsBucket);
    const jsm = await bus.connection.jetstreamManager();
    const bucket = bus.subjects.artifactsBucket;
    const bytes = new Uint8Array(300_000).map((_, index) => (index * 31) % 251);
    await store.putBlob({ name: "big", options: { max_chunk_size: 64 * 1024 } }, bytes);
    expect(Buffer.from((await readObject(store, jsm, bucket, "big"))!).equals(Buffer.from(bytes))).toBe(true);
    await store.putBlob({ name: "empty" }, new Uint8Array(0));
    expect((await readObject(store, jsm, bucket, "empty"))!.byteLength).toBe(0);
    expect(await readObject(store, jsm, bucket, "missing")).toBeNull();
    await store.putBlob({ name: "gone" }, encoder.encode("x"));
    await store.delete("gone");
    expect(await readObject(store, jsm, bucket, "gone")).toBeNull();

    // A chunk lost from the stream: the length and digest no longer match what the object says.
    await store.putBlob({ name: "damaged", options: { max_chunk_size: 1024 } }, new Uint8Array(4096).fill(7));
    const info = (await store.info("damaged"))!;
    const firstChunk = await jsm.streams.getMessage(`OBJ_${bucket}`, { seq: 1, next_by_subj: `$O.${bucket}.C.${info.nuid}` } as never);
    await jsm.streams.deleteMessage(`OBJ_${bucket}`, firstChunk.seq);
    await expect(readObject(store, jsm, bucket, "damaged")).rejects.toThrow(/damaged .* incomplete or corrupt: 3072 of 4096 bytes/);
  });

  it("replayEvents with a type reads only that type of that run, from every agent", async () => {
    await using bus = await setupBus();
    const events = createEventPublisher({ connection: bus.connection, subjects: bus.subjects, clock: { now: () => Date.now() }, instanceId: "test" });
    const llmCall = { model: "m", purpose: "text", attempt: 1, ok: true, stopReason: "end_turn", inputTokens: 1, outputTokens: 1, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0, latencyMs: 1, streaming: false } as const;
    const publishCall = (runId: string, agent: string) => events.publish({ runId, agent, type: "llm.call", jobId: "j", attempt: 1, data: { ...llmCall, agent } });
    await publishCall("run-a", "planning");
    await events.publish({ runId: "run-a", agent: "planning", type: "job.started", jobId: "j", attempt: 1, data: { instance: "planning-1" } });
    await publishCall("run-b", "design");
    await publishCall("run-a", "file-writer");
    // A type one token longer than llm.call must not match its filter; the catalogue has none, so it goes in raw.
    await bus.connection.jetstream().publish(bus.subjects.event("run-a", "file-writer", "llm.call.extra"), encoder.encode("{}"));
    const seen: string[] = [];
    const replay = await replayEvents({ connection: bus.connection, subjects: bus.subjects, runId: "run-a", type: "llm.call", onEvent: (event) => void seen.push(`${event.runId}/${event.agent}/${event.type}`) });
    await replay.done;
    expect(seen).toEqual(["run-a/planning/llm.call", "run-a/file-writer/llm.call"]);
  });
});
