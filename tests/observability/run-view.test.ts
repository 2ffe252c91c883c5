import { describe, expect, it } from "vitest";
import { nuid } from "nats";
import { eventSchema, type AspEvent } from "../../schemas/event.ts";
import type { EventInput } from "../../bus/events.ts";
import { applyRunEvent, buildWatchState } from "../../cli/watch/run-view.ts";
import { formatWatchLine } from "../../cli/watch/render-lines.ts";
import { progressBar, renderScreen } from "../../cli/watch/render-screen.ts";
import { computeTrends, joinRunHistory } from "../../cli/watch/run-history.ts";
import { sampleRunEvents } from "./support/sample-run.ts";
import type { CatalogueEventType } from "../../schemas/events/index.ts";
import { eventData, probeEstimate } from "../support/event-fixtures.ts";

// Only the fields a test is about; the rest of each type's data comes from the catalogue's sample.
type PartialEventInput = Omit<EventInput, "type" | "data"> & { type: CatalogueEventType; data: Record<string, unknown> };
const toEvents = (inputs: Array<EventInput | PartialEventInput>): AspEvent[] =>
  inputs.map((input) => eventSchema.parse({ id: nuid.next(), ...input, data: eventData(input.type as CatalogueEventType, input.data as Record<string, unknown>) }));

describe("run view (events → state)", () => {
  const { early, coding, finishing } = sampleRunEvents("run-a");

  it("shows stages with status, verdict and time, and tokens and dollars so far, mid-run", () => {
    const state = buildWatchState(toEvents([...early, ...coding]));
    const run = state.runs["run-a"]!;
    expect(run.title).toBe("Word counter CLI");
    expect(run.plannedStages).toHaveLength(7);
    expect(run.stages.map((stage) => [stage.stage, stage.status])).toEqual([
      ["planning", "completed"],
      ["design", "completed"],
      ["design-review", "completed"],
      ["code", "running"],
    ]);
    expect(run.stages[2]!.verdict).toBe("PASS");
    expect(run.stages[1]!.durationMs).toBe(3200);
    expect(run.costUsd).toBeCloseTo(0.035, 6);
    expect(run.tokens).toEqual({ input: 3000, output: 600, cacheWrite: 0, cacheRead: 1500 });
    expect(run.gates).toEqual([{ stage: "design-review", round: 1, verdict: "PASS", passed: true, next: "continue", decidedBy: "agent", findings: [] }]);
    expect(run.status).toBe("running");
  });

  it("gives each file a progress bar with the writer writing it", () => {
    const run = buildWatchState(toEvents([...early, ...coding])).runs["run-a"]!;
    expect(run.files).toEqual([
      expect.objectContaining({ path: "wordcount.py", status: "written", writer: "file-writer-aaaa1111", progress: 1, bytes: 812, estimatedLines: 40 }),
      expect.objectContaining({ path: "test_wordcount.py", status: "writing", writer: "file-writer-bbbb2222", progress: 0.5 }),
    ]);
    expect(renderScreen([run], Date.parse("2025-01-01T10:00:30Z"))).toMatch(/\[█{10}░{10}\] test_wordcount\.py/);
    expect(progressBar(1, 4)).toBe("[████]");
  });

  it("ends with the run's status and counts every event", () => {
    const events = toEvents([...early, ...coding, ...finishing]);
    const run = buildWatchState(events).runs["run-a"]!;
    expect(run.status).toBe("passed");
    expect(run.events).toBe(events.length);
    expect(run.tests).toEqual({ passed: 4, failed: 0, runner: "pytest" });
    expect(run.files.every((file) => file.status === "written")).toBe(true);
  });

  it("shows a human gate waiting for approval, then the decision", () => {
    const [started] = toEvents(early.slice(0, 1));
    const at = (type: CatalogueEventType, data: Record<string, unknown>, second: number) =>
      eventSchema.parse({ id: nuid.next(), runId: "run-a", agent: "orchestrator", type, time: `2025-01-01T10:01:${String(second).padStart(2, "0")}.000Z`, data: eventData(type, data) });
    let run = applyRunEvent(undefined, started!);
    run = applyRunEvent(run, at("gate.waiting", { stage: "design-review", round: 1 }, 1));
    expect(run.status).toBe("waiting");
    expect(run.waiting).toEqual({ stage: "design-review", round: 1, since: "2025-01-01T10:01:01.000Z" });
    expect(formatWatchLine(at("gate.waiting", { stage: "design-review", round: 1 }, 1), run)).toContain("waiting for approval");
    run = applyRunEvent(run, at("gate.decided", { stage: "design-review", decision: "approve", note: "looks right", decidedBy: "ana" }, 2));
    expect(run.status).toBe("running");
    expect(run.waiting).toBeUndefined();
    expect(run.decisions).toEqual([{ stage: "design-review", decision: "approve", note: "looks right", decidedBy: "ana", time: "2025-01-01T10:01:02.000Z" }]);
    run = applyRunEvent(run, at("run.budget_exceeded", { budgetUsd: 0.5, spentUsd: 0.61 }, 3));
    expect(run.budgetExceeded).toMatchObject({ limitUsd: 0.5, spentUsd: 0.61 });
  });

  it("regression: asp watch printed 'budget exceeded at $NaN' when the budget event carried no spentUsd", () => {
    const [started, ...rest] = toEvents([...early, ...coding]);
    const stop = eventSchema.parse({ id: nuid.next(), runId: "run-a", agent: "orchestrator", type: "run.budget_exceeded", time: "2025-01-01T10:05:00.000Z", data: { stage: "code", round: 1, reason: "budget", budgetUsd: 0.03 } });
    let run = applyRunEvent(undefined, started!);
    for (const event of rest) run = applyRunEvent(run, event);
    run = applyRunEvent(run, stop);
    // Without the amount in the event, the screen falls back to the cost the watcher has summed.
    expect(renderScreen([run], Date.parse("2025-01-01T10:05:01Z"))).toContain(`budget exceeded at $${run.costUsd.toFixed(4)}`);
    expect(formatWatchLine(stop, run)).toBe(`10:05:00 ! budget exceeded: spent $${run.costUsd.toFixed(4)} of $0.0300`);
    const withAmount = applyRunEvent(run, { ...stop, data: { ...stop.data, spentUsd: 0.0412 } });
    expect(renderScreen([withAmount], Date.parse("2025-01-01T10:05:01Z"))).toContain("budget exceeded at $0.0412");
    expect(renderScreen([withAmount], Date.parse("2025-01-01T10:05:01Z"))).not.toContain("NaN");
  });

  it("keeps a regenerated file of round 2 apart from round 1, and marks failures", () => {
    const events = toEvents([
      ...early.slice(0, 1),
      { runId: "run-a", time: "2025-01-01T10:02:00.000Z", agent: "code", type: "file.failed", data: { path: "a.py", round: 1, attempt: 1, error: "timeout" } },
      { runId: "run-a", time: "2025-01-01T10:02:01.000Z", agent: "file-writer", type: "file.started", data: { path: "a.py", round: 2, writer: "w2" } },
    ]);
    const run = buildWatchState(events).runs["run-a"]!;
    expect(run.files.map((file) => [file.round, file.status, file.error ?? null])).toEqual([
      [1, "failed", "timeout"],
      [2, "writing", null],
    ]);
  });
});

describe("PSP trends across runs", () => {
  it("computes estimate error where PROBE planned, defect density, yield and cost per run", () => {
    const history = (runId: string, costUsd: number, density: number, yieldValue: number) => ({
      runId, finishedAt: `2025-01-0${runId.slice(-1)}T12:00:00.000Z`, outcome: "passed", estimatedComplexity: 10, actualTokens: 1000, actualCostUsd: costUsd,
      actualDurationMs: 60_000, files: 2, lines: 100, defects: 1, defectDensityPerKloc: density, yield: yieldValue,
    });
    const events = toEvents([
      { runId: "run-1", time: "2025-01-01T10:00:00.000Z", agent: "orchestrator", type: "run.completed", data: { status: "passed" } },
      { runId: "run-2", time: "2025-01-02T10:00:00.000Z", agent: "planning", type: "plan.ready", data: { probe: probeEstimate(0.2) } },
      { runId: "run-2", time: "2025-01-02T10:00:01.000Z", agent: "x", type: "llm.call", data: { costUsd: 0.3, inputTokens: 1, outputTokens: 1, cacheWriteTokens: 0, cacheReadTokens: 0 } },
      { runId: "run-2", time: "2025-01-02T10:00:02.000Z", agent: "orchestrator", type: "run.failed", data: { status: "failed", reason: "tests failed" } },
      { runId: "run-3", time: "2025-01-03T10:00:00.000Z", agent: "orchestrator", type: "stage.started", data: { stage: "planning", round: 1 } },
    ]);
    const entries = joinRunHistory([], [history("run-1", 0.1, 20, 0.5), history("run-2", 0.3, 10, 1)], events);
    expect(entries.map((entry) => [entry.runId, entry.status])).toEqual([["run-1", "passed"], ["run-2", "failed"], ["run-3", "running"]]);
    const trends = computeTrends(entries);
    expect(trends.finished).toBe(2);
    expect(trends.passRate).toBe(0.5);
    expect(trends.points[1]!.costEstimateError).toBeCloseTo(0.5, 6);
    expect(trends.points[0]!.costEstimateError).toBeUndefined();
    expect(trends.averages.costUsd).toBeCloseTo(0.2, 6);
    expect(trends.averages.defectDensityPerKloc).toBe(15);
    expect(trends.averages.yield).toBe(0.75);
    expect(trends.change.defectDensityPerKloc).toBe(-10);
  });
});
