import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { readStoredEvents } from "../../bus/events.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { AspError } from "../../errors/index.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { startModelSimulator, type ModelSimulator, type TranscriptEntry } from "../../simulator/index.ts";
import { fileJob, fileJobCodec, fileResultCodec, startWriterPool } from "../support/file-writer-processes.ts";
import { setupBus } from "../support/nats.ts";

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

async function waitFor<T>(what: string, read: () => T | undefined | Promise<T | undefined>, withinMs = 30_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const found = await read();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const entryFor = (simulator: ModelSimulator, file: string): TranscriptEntry | undefined => simulator.transcript().find((entry) => entry.file === file);

describe("an abandoned model call is aborted", () => {
  it("a file job that times out while its writer waits on the model: the model server sees the client leave", { timeout: 180_000 }, async () => {
    await using bus = await setupBus();
    // Every reply takes 4 s to start, far longer than the first job may take.
    await using simulator = await startModelSimulator({
      scenario: { name: "slow model", latency: { timeToFirstTokenMs: 4000 }, files: { "abandoned.txt": "never delivered\n", "patient.txt": "delivered\n" } },
      port: 0,
    });
    await using pool = await startWriterPool(bus, { count: 1, modelUrl: simulator.url });
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });

    const failure = await client
      .request("file-writer", fileJob("abandoned.txt"), { runId: "abort-run", jobId: "abandoned", inputCodec: fileJobCodec, outputCodec: fileResultCodec, timeoutMs: 1500, queueTimeoutMs: 60_000 })
      .catch((error: unknown) => error);
    expect((failure as AspError).code).toBe("job_timeout");

    // The writer dropped the HTTP request; the simulator records that as the caller leaving.
    const abandoned = await waitFor("the abandoned call in the transcript", () => {
      const entry = entryFor(simulator, "abandoned.txt");
      return entry?.error ? entry : undefined;
    });
    expect(abandoned.error?.type).toBe("client_disconnected");
    const events: AspEvent[] = await waitFor("the job.cancelled event", async () => {
      const stored = await readStoredEvents(bus.connection, bus.subjects, "abort-run");
      return stored.some((event) => event.type === "job.cancelled") ? stored : undefined;
    });
    // The attempt is on record as aborted, and nothing was retried after it.
    const calls = events.filter((event) => event.type === "llm.call");
    expect(calls.map((event) => event.data.errorCode)).toEqual(["aborted"]);
    expect(simulator.transcript().filter((entry) => entry.file === "abandoned.txt")).toHaveLength(1);

    // The control: the same slow model, with time enough, answers and nobody disconnects.
    const reply = await client.request("file-writer", fileJob("patient.txt"), {
      runId: "abort-run",
      jobId: "patient",
      inputCodec: fileJobCodec,
      outputCodec: fileResultCodec,
      timeoutMs: 60_000,
      queueTimeoutMs: 60_000,
    });
    expect(reply.output.content).toBe("delivered\n");
    expect(entryFor(simulator, "patient.txt")?.error).toBeUndefined();
    const log = await readFile(pool.writers[0]!.logFile, "utf8");
    expect(log).toContain("cancelling a job in flight");
  });
});
