import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDispatchOverhead } from "../../bench/dispatch-overhead.ts";
import { resultsDirectory } from "../../bench/support/results.ts";

// A smoke test of `npm run bench`'s dispatch benchmark (bench/dispatch-overhead.ts), the figures issue 14 asks for when
// the 2 ms goal is missed: the split of the p50 and each bus step alone. Its times are not checked against any goal.

let folder: string;
let result: Record<string, unknown>;
const recorded = fileURLToPath(new URL("dispatch-overhead.json", resultsDirectory));
let recordedBefore: { modified: number; text: string };

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "asp-bench-dispatch-"));
  recordedBefore = { modified: (await stat(recorded)).mtimeMs, text: await readFile(recorded, "utf8") };
  result = await runDispatchOverhead({ jobs: 20, throughputJobs: 40, writers: 2, inFlight: 8, outputDirectory: folder });
}, 240_000);

afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

const positive = (value: unknown) => typeof value === "number" && Number.isFinite(value) && value > 0;

describe("the dispatch benchmark, 20 jobs in a row and 40 on 2 writers", () => {
  it("splits the one-in-flight p50 into the model call, the writer, the job runtime and the artifact put", () => {
    const parts = result.whereTheLatencyGoes as Record<string, number>;
    expect(Object.keys(parts).sort()).toEqual(["artifactPutMs", "jobRuntimeAroundTheHandlerMs", "modelCallMs", "remainderMs", "writerAroundTheModelCallMs"]);
    for (const [name, value] of Object.entries(parts)) expect(Number.isFinite(value), name).toBe(true);
    expect(positive(parts.artifactPutMs)).toBe(true);
    expect(positive((result.latency as { p50Ms: number }).p50Ms)).toBe(true);
  });

  it("measures each bus step alone: a job with no model call, a core round trip, a JetStream publish, a look-up", () => {
    const breakdown = result.breakdownP50 as Record<string, unknown>;
    for (const name of ["jobWithoutModelMs", "coreRoundTripMs", "jetStreamPublishMs", "storedResultLookupMs"]) expect(positive(breakdown[name]), name).toBe(true);
    expect(positive((result.throughput as { jobsPerSecond: number }).jobsPerSecond)).toBe(true);
  });

  it("writes its result into the folder it was given, and leaves bench/results/ alone", async () => {
    const written = JSON.parse(await readFile(path.join(folder, "dispatch-overhead.json"), "utf8")) as Record<string, unknown>;
    expect(written.benchmark).toBe("dispatch-overhead");
    expect(written.breakdownP50).toEqual(result.breakdownP50);
    expect((await stat(recorded)).mtimeMs).toBe(recordedBefore.modified);
    expect(await readFile(recorded, "utf8")).toBe(recordedBefore.text);
  });
});
