import { describe, expect, it } from "vitest";
import { computeMetrics } from "../../agents/postmortem/metrics.ts";
import { totalCost } from "../../agents/shared/attempt-costs.ts";
import { formatWatchLine } from "../../cli/watch/render-lines.ts";
import { buildWatchState } from "../../cli/watch/run-view.ts";
import { joinRunHistory } from "../../cli/watch/run-history.ts";
import type { ValidationError } from "../../errors/index.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { parseEventData, readEvent } from "../../schemas/events/index.ts";
import { catalogueEvent } from "../support/event-fixtures.ts";

const call = (costUsd: number, agent = "planning") => catalogueEvent("llm.call", { costUsd, inputTokens: 10, outputTokens: 5 }, { agent });
/** A stored llm.call whose cost a buggy emitter wrote as text: before the catalogue, "0.5" summed to a wrong total. */
const corruptCall = (): AspEvent => ({ ...call(0), id: "corrupt-call", data: { ...call(0).data, costUsd: "0.5" } });

describe("consumers read events through the catalogue", () => {
  it("watch shows the budget event's own spentUsd and budgetUsd", () => {
    const events = [call(0.2), catalogueEvent("run.budget_exceeded", { budgetUsd: 0.5, spentUsd: 0.6123 }, { time: "2025-01-01T10:05:00.000Z" })];
    const run = buildWatchState(events).runs["run-1"]!;
    expect(run.budgetExceeded).toMatchObject({ limitUsd: 0.5, spentUsd: 0.6123 });
    // The event's amount, not the watcher's own sum of llm.call costs (0.2).
    expect(formatWatchLine(events[1]!, run)).toBe("10:05:00 ! budget exceeded: spent $0.6123 of $0.5000");
  });

  it("watch skips an event that fails its schema, reports it, and keeps its totals right", () => {
    const reported: ValidationError[] = [];
    const run = buildWatchState([call(0.25), corruptCall(), call(0.25)], (error) => reported.push(error)).runs["run-1"]!;
    expect(run.costUsd).toBe(0.5);
    expect(run.llmCalls).toBe(2);
    expect(run.invalidEvents).toBe(1);
    expect(reported.map((error) => error.message)).toEqual([expect.stringMatching(/event corrupt-call \(llm\.call\) of run run-1 fails its schema: costUsd/)]);
    expect(formatWatchLine(corruptCall(), run)).toBeUndefined();
  });

  it("the postmortem sums typed llm.call fields per agent, and reports the invalid event instead of counting it", () => {
    const reported: string[] = [];
    const metrics = computeMetrics({
      runId: "run-1",
      outcome: "passed",
      events: [catalogueEvent("run.started"), call(0.1, "planning"), corruptCall(), call(0.3, "review-security")],
      now: Date.parse("2025-01-01T10:00:00.000Z"),
      onInvalid: (error) => reported.push(error.message),
    });
    expect(metrics.totals.costUsd).toBeCloseTo(0.4, 10);
    expect(metrics.totals.calls).toBe(2);
    expect(Object.keys(metrics.costByAgent)).toEqual(["planning", "review-security"]);
    expect(reported).toHaveLength(1);
    expect(totalCost([call(0.1), corruptCall()])).toBeCloseTo(0.1, 10);
  });

  it("history reads PROBE's cost from a valid plan.ready only", () => {
    const reported: string[] = [];
    const broken: AspEvent = { ...catalogueEvent("plan.ready", {}, { runId: "run-2" }), data: { units: 1, complexity: 3, probe: { costUsd: { predicted: 0.2 } } } };
    const entries = joinRunHistory([], [], [catalogueEvent("stage.started", {}, { runId: "run-2" }), broken], (error) => reported.push(error.message));
    expect(entries[0]!.probeCostUsd).toBeUndefined();
    expect(reported).toEqual([expect.stringMatching(/plan\.ready.*probe\.historyRuns/)]);
  });

  it("reads a plug-in's x. event as an extension, an unknown type as invalid, and never throws", () => {
    const extension = { ...catalogueEvent("progress"), type: "x.license-check.scanned", data: { files: 3 } };
    expect(readEvent(extension).kind).toBe("extension");
    const unknown = { ...catalogueEvent("progress"), type: "plan.finished" };
    const read = readEvent(unknown);
    expect(read.kind).toBe("invalid");
    expect(read.kind === "invalid" && read.error.message).toMatch(/type "plan\.finished", which is not in the event catalogue/);
    const run = buildWatchState([extension, unknown]).runs["run-1"]!;
    expect([run.events, run.invalidEvents]).toEqual([2, 1]);
    expect(parseEventData(call(0.1), "gate.decided")).toMatchObject({ success: false });
  });

  it("parses an event stored with an extra field an older version wrote (dropped, not refused)", () => {
    const older = { ...catalogueEvent("stage.completed", { durationMs: 120 }), data: { ...catalogueEvent("stage.completed").data, durationMs: 120, retiredField: true } };
    const parsed = parseEventData(older, "stage.completed");
    expect(parsed.success && parsed.data.durationMs).toBe(120);
    expect(parsed.success && "retiredField" in parsed.data).toBe(false);
  });
});
