import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStoredEvents } from "../../bus/events.ts";
import { createJobClient, type JobClient } from "../../bus/job-client.ts";
import { startModelSimulator, type ModelSimulator, type ScenarioInput, type TranscriptEntry } from "../../simulator/index.ts";
import { fileJob, fileJobCodec, fileResultCodec, startWriterPool, type WriterPool } from "../support/file-writer-processes.ts";
import { setupBus, type TestBus } from "../support/nats.ts";

// A short window keeps the file quick; the limits are counted per window exactly as they would be per minute, by the
// limiter (ASP_LLM_RATE_WINDOW_MS) and by the model server (usageWindowMs) alike.
const windowMs = 4000;
const requestsPerWindow = 6;
const inputTokensPerWindow = 20_000;
// Each file call reserves its max_tokens (2096 here) until it is settled: at most three in flight.
const outputTokensPerWindow = 6500;
const writers = 8;

let bus: TestBus;
let simulator: ModelSimulator;
let pool: WriterPool;
let jobs: JobClient;

const paths = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}-${String(index + 1).padStart(2, "0")}.txt`);
const scenarioFor = (files: string[], faults?: ScenarioInput["faults"]): ScenarioInput => ({
  name: "rate-limited writers",
  files: Object.fromEntries(files.map((file) => [file, `content of ${file}\n`])),
  ...(faults ? { faults } : {}),
});
const timeOf = (entry: TranscriptEntry) => Date.parse(entry.time);

async function writeAll(runId: string, files: string[]) {
  return Promise.all(
    files.map((file, index) =>
      jobs.request("file-writer", fileJob(file), { runId, jobId: `${runId}-${index}`, inputCodec: fileJobCodec, outputCodec: fileResultCodec, timeoutMs: 120_000, queueTimeoutMs: 120_000 }),
    ),
  );
}

beforeAll(async () => {
  bus = await setupBus();
  // The server counts in windows as long as the limiter's, so its counts are what the limit is checked against.
  simulator = await startModelSimulator({ scenario: scenarioFor([]), port: 0, usageWindowMs: windowMs });
  pool = await startWriterPool(bus, {
    count: writers,
    modelUrl: simulator.url,
    env: {
      ASP_LLM_RPM: String(requestsPerWindow),
      ASP_LLM_INPUT_TPM: String(inputTokensPerWindow),
      ASP_LLM_OUTPUT_TPM: String(outputTokensPerWindow),
      ASP_LLM_RATE_WINDOW_MS: String(windowMs),
    },
  });
  jobs = createJobClient({ connection: bus.connection, subjects: bus.subjects });
}, 240_000);

afterAll(async () => {
  await pool?.[Symbol.asyncDispose]();
  await simulator?.close();
  await bus?.[Symbol.asyncDispose]();
});

describe("the fleet-wide rate limit, 8 writer processes sharing one limit", () => {
  it("never lets the fleet exceed the limit in any window, as the model server counts it", { timeout: 180_000 }, async () => {
    const files = paths("limited", 24);
    simulator.setScenario(scenarioFor(files));
    const replies = await writeAll("limited", files);
    expect(replies.map((reply) => reply.output.content)).toEqual(files.map((file) => `content of ${file}\n`));

    const calls = simulator.transcript().filter((entry) => entry.runId === "limited");
    expect(calls).toHaveLength(24);
    // The server's own counts, in windows as long as the limiter's (usageWindowMs), aligned to its clock. This test
    // runs first, so every request the server has counted is one of these 24.
    const windows = simulator.stats().perMinute;
    expect(windows.reduce((total, window) => total + window.requests, 0)).toBe(24);
    for (const window of windows) {
      expect(window.requests, `requests in the window from ${window.minute}`).toBeLessThanOrEqual(requestsPerWindow);
      expect(window.inputTokens, `input tokens in the window from ${window.minute}`).toBeLessThanOrEqual(inputTokensPerWindow);
      expect(window.outputTokens, `output tokens in the window from ${window.minute}`).toBeLessThanOrEqual(outputTokensPerWindow);
      expect(window.rejected, `refused requests in the window from ${window.minute}`).toBe(0);
    }
    // The counts are of the same calls the transcript holds: every input and output token is in some window.
    const transcriptInput = calls.reduce((sum, entry) => sum + (entry.usage?.input_tokens ?? 0) + (entry.usage?.cache_creation_input_tokens ?? 0) + (entry.usage?.cache_read_input_tokens ?? 0), 0);
    const transcriptOutput = calls.reduce((sum, entry) => sum + (entry.usage?.output_tokens ?? 0), 0);
    expect(windows.reduce((total, window) => total + window.inputTokens, 0)).toBe(transcriptInput);
    expect(windows.reduce((total, window) => total + window.outputTokens, 0)).toBe(transcriptOutput);
    // The limit bound: 24 calls needed at least four windows, and the eight writers all took part.
    expect(windows.length).toBeGreaterThanOrEqual(4);
    const events = await readStoredEvents(bus.connection, bus.subjects, "limited");
    const writersSeen = new Set(events.filter((event) => event.type === "job.started").map((event) => String(event.data.instance)));
    expect(writersSeen.size).toBe(writers);
  });

  it("a 429 with retry-after pauses every writer: nobody calls the model until it has passed", { timeout: 180_000 }, async () => {
    const retryAfterSeconds = 6;
    const files = paths("paused", 16);
    // One 429, on the run's first call, with fifteen files still to write; longer than a window, so
    // without a shared pause the other writers would go on calling meanwhile.
    simulator.setScenario(scenarioFor(files, { retryAfterSeconds, script: [{ kind: "rate_limited", run: "paused", times: 1 }] }));
    const replies = await writeAll("paused", files);
    expect(replies).toHaveLength(16);

    const calls = simulator.transcript().filter((entry) => entry.runId === "paused").sort((a, b) => timeOf(a) - timeOf(b));
    const limited = calls.filter((entry) => entry.status === 429);
    expect(limited).toHaveLength(1);
    expect(calls[0]).toBe(limited[0]);
    const refusedAt = timeOf(limited[0]!);
    // Calls admitted before the writer could record the pause may still arrive just after the 429; after that, none.
    const pauseKnownBy = refusedAt + limited[0]!.latencyMs + 500;
    const pauseEnds = refusedAt + retryAfterSeconds * 1000;
    const duringPause = calls.filter((entry) => timeOf(entry) >= pauseKnownBy && timeOf(entry) < pauseEnds);
    expect(duringPause.map((entry) => `${entry.file} at +${timeOf(entry) - refusedAt} ms`)).toEqual([]);

    // Work was waiting all along, and it resumed on several writers once the pause was over.
    const after = calls.filter((entry) => timeOf(entry) >= pauseEnds && entry.status === 200);
    expect(after.length).toBeGreaterThan(0);
    expect(after.map((entry) => entry.file)).toContain(limited[0]!.file);
    const events = await readStoredEvents(bus.connection, bus.subjects, "paused");
    const writerOf = new Map(events.filter((event) => event.type === "file.started").map((event) => [String(event.data.path), String(event.data.writer)]));
    expect(new Set(after.map((entry) => writerOf.get(entry.file!))).size).toBeGreaterThan(1);
  });
});
