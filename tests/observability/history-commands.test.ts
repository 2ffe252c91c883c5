import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRunStore } from "../../agents/shared/run-store.ts";
import { createHistoryStore } from "../../agents/shared/history-store.ts";
import { setupBus, type TestBus } from "../support/nats.ts";
import { spawnTypeScript } from "../support/processes.ts";
import { publishEvents, sampleRunEvents } from "./support/sample-run.ts";

let bus: TestBus;
beforeAll(async () => {
  bus = await setupBus();
  const runId = "run-history-1";
  const { early, coding, finishing } = sampleRunEvents(runId);
  await publishEvents(bus, [...early, ...coding, ...finishing]);
  await createRunStore(bus.connection, bus.subjects).put({
    runId, task: { title: "Word counter CLI", description: "count words", requirements: [] }, pipeline: "default", status: "passed", stageIndex: 7,
    rounds: {}, gateFailures: {}, outputs: {}, history: [], startedAt: "2025-01-01T10:00:00.000Z", updatedAt: "2025-01-01T10:00:29.000Z",
  });
  await createHistoryStore(bus.connection, bus.subjects).put({
    runId, finishedAt: "2025-01-01T10:00:29.000Z", outcome: "passed", estimatedComplexity: 12, actualTokens: 6800, actualCostUsd: 0.039,
    actualDurationMs: 26_000, files: 2, lines: 67, defects: 1, defectDensityPerKloc: 14.9, yield: 1,
  });
});
afterAll(async () => {
  await bus?.[Symbol.asyncDispose]();
});

describe("asp runs / show / stats (real processes)", () => {
  it("runs lists each run with status, cost, time, files and verdicts", async () => {
    await using command = spawnTypeScript("cli/main.ts", { args: ["runs", "--json"], env: bus.env });
    expect((await command.exited).code).toBe(0);
    const [entry] = command.output().trim().split("\n").map((line) => JSON.parse(line));
    expect(entry).toMatchObject({ runId: "run-history-1", status: "passed", costUsd: 0.039, durationMs: 26_000, files: 2, title: "Word counter CLI" });
    expect(entry.verdicts.map((verdict: { stage: string; verdict: string }) => `${verdict.stage}:${verdict.verdict}`)).toEqual(["design-review:PASS", "code-review:PASS", "test:PASS"]);
  });

  it("show prints the stages, the files with their writers and the tokens of one run", async () => {
    await using command = spawnTypeScript("cli/main.ts", { args: ["show", "run-history-1"], env: bus.env });
    expect((await command.exited).code).toBe(0);
    const output = command.output();
    expect(output).toMatch(/design-review\s+r1\s+completed\s+1\.5s\s+PASS/);
    expect(output).toContain("wordcount.py r1  written  812 B  file-writer-aaaa1111");
    expect(output).toContain("tokens: 6800 tokens");
    await using missing = spawnTypeScript("cli/main.ts", { args: ["show", "run-nope"], env: bus.env });
    expect((await missing.exited).code).toBe(1);
  });

  it("stats gives PSP trends: defect density, yield and cost per run", async () => {
    await using command = spawnTypeScript("cli/main.ts", { args: ["stats", "--json"], env: bus.env });
    expect((await command.exited).code).toBe(0);
    const trends = JSON.parse(command.output().trim().split("\n").at(-1)!);
    expect(trends).toMatchObject({ runs: 1, finished: 1, passRate: 1, averages: { costUsd: 0.039, defectDensityPerKloc: 14.9, yield: 1 } });
  });
});
