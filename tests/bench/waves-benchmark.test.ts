import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resultsDirectory } from "../../bench/support/results.ts";
import { runWavesBenchmark, type WriteOrderMeasurement } from "../../bench/waves.ts";

// A smoke test of `npm run bench`'s waves benchmark (bench/waves.ts): the smallest run that still measures both write
// orders on service-js, so a change that breaks the benchmark is found before someone runs it on a quiet machine.
// Its figures are not checked for speed: with no latency and a loaded machine they say nothing about it.

let folder: string;
let result: Awaited<ReturnType<typeof runWavesBenchmark>>;
const recorded = fileURLToPath(new URL("waves.json", resultsDirectory));
let recordedBefore: { modified: number; text: string };

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "asp-bench-waves-"));
  recordedBefore = { modified: (await stat(recorded)).mtimeMs, text: await readFile(recorded, "utf8") };
  result = await runWavesBenchmark({ writers: 2, repeats: 1, latency: { timeToFirstTokenMs: 0, tokensPerSecond: 0 }, outputDirectory: folder });
}, 240_000);

afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe("the waves benchmark, once on 2 writers with no latency", () => {
  it("measures waves along dependsOn (several waves) against all at once (one wave)", () => {
    const measurements = result.measurements as WriteOrderMeasurement[];
    expect(measurements.map((measurement) => measurement.order)).toEqual(["waves", "all-at-once"]);
    const [waves, allAtOnce] = measurements as [WriteOrderMeasurement, WriteOrderMeasurement];
    expect(waves.waves).toBeGreaterThan(1);
    expect(allAtOnce.waves).toBe(1);
    for (const measurement of measurements) {
      expect(measurement.makespanMs, measurement.order).toBeGreaterThan(0);
      expect(measurement.fileCalls, measurement.order).toBeGreaterThan(0);
    }
    // Waves send each file with the files it depends on, so the writers read more.
    expect(waves.fileInputTokens).toBeGreaterThan(allAtOnce.fileInputTokens);
    expect(result).toMatchObject({ writers: 2, latency: { timeToFirstTokenMs: 0, tokensPerSecond: 0 } });
  });

  it("gives a positive, finite critical-path ratio", () => {
    expect(typeof result.criticalPathRatio).toBe("number");
    expect(result.criticalPathRatio as number).toBeGreaterThan(0);
    expect(Number.isFinite(result.criticalPathRatio)).toBe(true);
  });

  it("writes its result into the folder it was given, and leaves bench/results/ alone", async () => {
    const written = JSON.parse(await readFile(path.join(folder, "waves.json"), "utf8")) as Record<string, unknown>;
    expect(written).toMatchObject({ benchmark: "waves", criticalPathRatio: result.criticalPathRatio, writers: 2 });
    expect((await stat(recorded)).mtimeMs).toBe(recordedBefore.modified);
    expect(await readFile(recorded, "utf8")).toBe(recordedBefore.text);
  });
});
