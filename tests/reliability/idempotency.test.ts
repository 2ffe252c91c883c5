import { headers as natsHeaders } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileResultCodec } from "../../schemas/file-result.ts";
import { jsonCodec } from "../../bus/codec.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { fileJobSchema, type FileJob } from "../../schemas/file-job.ts";
import { loadExampleScenario, scenarioText, type ScenarioData } from "../e2e/support/example-scenarios.ts";
import { startReliabilityHarness, type ReliabilityHarness } from "./support/reliability-harness.ts";

let harness: ReliabilityHarness;
let data: ScenarioData;
const filePath = "textstats/tokenize.py";

beforeAll(async () => {
  const example = await loadExampleScenario("hello-python");
  data = example.data();
  // Only the writer pool: the file job is sent by the test itself.
  harness = await startReliabilityHarness({ scenario: data, agents: [], writers: 2 });
}, 240_000);

afterAll(async () => {
  await harness?.[Symbol.asyncDispose]();
});

function fileJob(): FileJob {
  const entry = (data.agents.code as { files: Array<Record<string, unknown>> }).files.find((candidate) => candidate.path === filePath)!;
  return fileJobSchema.parse({ path: filePath, round: 1, entry: { dependsOn: [], ...entry }, sharedContext: "design and manifest" });
}

async function resultCount(runId: string, jobId: string): Promise<number> {
  const jsm = await harness.connection.jetstreamManager();
  const subject = harness.subjects.result(runId, "file-writer", jobId);
  const info = await jsm.streams.info(harness.subjects.resultsStream, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

describe("idempotent file jobs", () => {
  it("the same file job published twice is de-duplicated by JetStream: one file, one result, one model call", async () => {
    const jobs = createJobClient({ connection: harness.connection, subjects: harness.subjects });
    const runId = "idempotent-twice";
    const jobId = `${runId}-code-r1-f0123456789abcdef-a1`;
    const options = { runId, jobId, inputCodec: jsonCodec(fileJobSchema) };
    const requestsBefore = harness.simulator.stats().requests;

    const first = await jobs.submit("file-writer", fileJob(), options);
    const second = await jobs.submit("file-writer", fileJob(), options);
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);

    const reply = await jobs.awaitResult("file-writer", { runId, jobId, outputCodec: fileResultCodec, timeoutMs: 30_000 });
    expect(reply.output.content).toBe(scenarioText(data, filePath));
    // Let a wrongly delivered second copy show itself before counting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await resultCount(runId, jobId)).toBe(1);
    const events = await harness.readEvents(runId);
    expect(events.filter((event) => event.type === "file.started")).toHaveLength(1);
    expect(events.filter((event) => event.type === "job.completed")).toHaveLength(1);
    expect(harness.simulator.stats().requests - requestsBefore).toBe(1);
  }, 60_000);

  it("a redelivery after the result was stored is acknowledged without running the job again", async () => {
    const jobs = createJobClient({ connection: harness.connection, subjects: harness.subjects });
    const runId = "idempotent-redelivered";
    const jobId = `${runId}-code-r1-f0123456789abcdef-a1`;
    await jobs.request("file-writer", fileJob(), { runId, jobId, inputCodec: jsonCodec(fileJobSchema), outputCodec: fileResultCodec, timeoutMs: 30_000 });
    const requestsBefore = harness.simulator.stats().requests;

    // The same job again, as a worker crashing between storing the result and acking would cause
    // (a new stream message, so JetStream's de-duplication does not apply: the stored result must).
    const body = new TextEncoder().encode(JSON.stringify(fileJob()));
    const headers = natsHeaders();
    for (const [name, value] of Object.entries({ "Asp-Run-Id": runId, "Asp-Job-Id": jobId, "Asp-Agent": "file-writer", "Asp-Attempt": "2" })) headers.set(name, value);
    const acknowledgement = await harness.connection.jetstream().publish(harness.subjects.job("file-writer"), body, { headers });
    expect(acknowledgement.duplicate).toBe(false);

    const deadline = performance.now() + 15_000;
    while ((await harness.queueState()).jobsInStream > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await harness.queueState()).jobsInStream).toBe(0);
    expect(await resultCount(runId, jobId)).toBe(1);
    const events = await harness.readEvents(runId);
    expect(events.filter((event) => event.type === "job.started")).toHaveLength(1);
    expect(harness.simulator.stats().requests - requestsBefore).toBe(0);
  }, 60_000);
});
