import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestReport } from "../../schemas/test-report.ts";
import { loadExampleScenario, type ExampleScenario } from "./support/example-scenarios.ts";
import { eventsOfType, startPipelineHarness, type PipelineHarness, type RunOutcome } from "./support/pipeline-harness.ts";

const runs = 20;
const parallelRuns = 4;
const faultKinds = ["overloaded", "rate_limited", "server_error", "stream_error", "invalid_tool_input", "json_in_prose", "fenced_file", "truncated"];

let harness: PipelineHarness;
let example: ExampleScenario;

// One fleet of 4 writers for both tests of this file: starting a fleet costs more than a run.
beforeAll(async () => {
  example = await loadExampleScenario("service-js");
  harness = await startPipelineHarness({
    scenario: example.data(),
    writers: 4,
    // Backoff in milliseconds, not seconds: the faults are many and the machine is small.
    // A model that takes forced tool use: on the default model (native JSON output, decision 1063) a broken tool input
    // or JSON in prose cannot happen, and this file exists to show the pipeline survives every fault.
    env: { ASP_LLM_RETRY_BASE_MS: "5", ASP_LLM_RETRY_MAX_MS: "50", ASP_MODEL: "claude-haiku-5-5" },
  });
}, 120_000);

afterAll(async () => {
  await harness?.[Symbol.asyncDispose]();
});

/** Runs `count` jobs, at most `limit` at a time. */
async function inBatches<T>(count: number, limit: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await job(index);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

describe("the file-writer pool", () => {
  it("spreads the files of one run over 4 writer processes", { timeout: 150_000 }, async () => {
    const data = example.data();
    // Each file takes a moment to "generate", so a writer that is busy leaves the next job to the others.
    data.latency = { timeToFirstTokenMs: 120, tokensPerSecond: 20_000 };
    harness.setScenario(data);
    const outcome = await harness.run(example.task);
    expect(outcome.summary.status).toBe("passed");

    const writerInstances = harness.fleet.processes.filter((process) => process.name === "file-writer").map((process) => process.instance);
    expect(writerInstances).toHaveLength(4);
    expect(new Set(writerInstances).size).toBe(4);

    const written = eventsOfType(outcome.events, "file.written");
    const filesByWriter = new Map<string, string[]>();
    for (const event of written) {
      const writer = String(event.data.writer);
      filesByWriter.set(writer, [...(filesByWriter.get(writer) ?? []), String(event.data.path)]);
    }
    // Every writer process took a share of the run (how many each took depends on the machine's load).
    expect([...filesByWriter.keys()].sort()).toEqual([...writerInstances].sort());
    // Every file exactly once, whoever wrote it.
    expect(written.map((event) => event.data.path).sort()).toEqual(Object.keys(data.files).sort());
  });
});

describe("the pipeline under injected model faults", () => {
  it(`passes ${runs} runs of service-js with 20% faults, every file byte-identical`, async () => {
    const data = example.data();
    data.faults = { seed: 20_240_611, rate: 0.2, kinds: faultKinds, retryAfterSeconds: 0.01 };
    harness.setScenario(data);
    const outcomes: RunOutcome[] = await inBatches(runs, parallelRuns, (index) => harness.run(example.task, { runId: `faults-${index}`, timeoutMs: 150_000 }));

    const failures = outcomes.filter((outcome) => outcome.summary.status !== "passed").map((outcome) => `${outcome.summary.runId}: ${outcome.summary.status} ${outcome.summary.reason ?? ""}`);
    expect(failures).toEqual([]);
    const expected = Object.entries(data.files).map(([filePath, text]) => [filePath, Buffer.from(text as string, "utf8")] as const);
    for (const outcome of outcomes) {
      expect((outcome.state.outputs.testReport as TestReport).passed).toBe(35);
      expect(outcome.files.size).toBe(expected.length);
      const different = expected.filter(([filePath, bytes]) => !outcome.files.get(filePath)?.equals(bytes)).map(([filePath]) => filePath);
      expect(different, `files of ${outcome.summary.runId} that differ from the scenario`).toEqual([]);
    }

    // The faults really happened, of every kind asked for, and were survived rather than avoided.
    const exchanges = harness.simulator.transcript().filter((entry) => entry.runId.startsWith("faults-"));
    const injected = exchanges.filter((entry) => entry.fault !== null);
    expect(injected.length).toBeGreaterThan(exchanges.length * 0.1);
    for (const kind of faultKinds) expect(injected.filter((entry) => entry.fault === kind).length, `faults of kind ${kind}`).toBeGreaterThan(0);
    // Retried calls are recorded as llm.call events too, so some runs show more calls than a clean run.
    const attempts = outcomes.flatMap((outcome) => outcome.events.filter((event) => event.type === "llm.call").map((event) => Number(event.data.attempt ?? 1)));
    expect(Math.max(...attempts)).toBeGreaterThan(1);
  }, 240_000);
});
