import { describe, expect, it } from "vitest";
import { computeMetrics, defectLog, phaseYields, roundOfJob } from "../../agents/postmortem/metrics.ts";
import { postmortemMarkdown } from "../../cli/render-reports.ts";
import { postmortemSchema } from "../../schemas/postmortem.ts";
import type { AspEvent } from "../../schemas/event.ts";
import type { CatalogueEventType } from "../../schemas/events/index.ts";
import { eventData } from "../support/event-fixtures.ts";

let sequence = 0;
// Only the fields a test is about; the rest of each type's data comes from the catalogue's sample.
const event = (type: CatalogueEventType, agent: string, data: Record<string, unknown>, jobId?: string): AspEvent => ({
  id: `e${++sequence}`, runId: "r1", agent, type, time: new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)).toISOString(), data: eventData(type, data) as Record<string, unknown>, ...(jobId ? { jobId } : {}),
});
const call = (agent: string, costUsd: number, jobId: string, file?: string) =>
  event("llm.call", agent, { inputTokens: 100, outputTokens: 50, cacheWriteTokens: 10, cacheReadTokens: 5, costUsd, ...(file ? { file } : {}) }, jobId);

describe("postmortem figures", () => {
  const events = [
    event("run.started", "orchestrator", {}),
    call("planning", 0.01, "r1-planning-r1"),
    call("review-security", 0.02, "r1-design-review-r1-review-security"),
    event("gate.verdict", "orchestrator", { stage: "design-review", round: 1, verdict: "FAIL", findings: [
      { severity: "high", category: "security", description: "no auth", defectType: "function", target: "design", reviewer: "review-security" },
      { severity: "medium", category: "size", description: "units", defectType: "data", target: "plan", reviewer: "review-architecture" },
      { severity: "info", category: "style", description: "nice", target: "design" },
    ] }),
    call("file-writer", 0.03, "r1-code-r1-fabc-a1", "a.py"),
    call("file-writer", 0.04, "r1-code-r2-fabc-a1", "a.py"),
    event("gate.verdict", "orchestrator", { stage: "test", round: 1, verdict: "FAIL", findings: [{ severity: "high", category: "test-failure", description: "test failed", defectType: "function", target: "code", file: "a.py" }] }),
    event("stage.completed", "orchestrator", { stage: "code", durationMs: 300 }),
    event("stage.completed", "orchestrator", { stage: "code", durationMs: 200 }),
  ];

  it("reads the round of a call from its job id", () => {
    expect(roundOfJob("r1-code-r2-fabc-a1")).toBe(2);
    expect(roundOfJob("r1-planning-r1")).toBe(1);
    expect(roundOfJob(undefined)).toBe(1);
  });

  it("sums tokens and cost from llm.call events, by agent and by file", () => {
    const metrics = computeMetrics({ runId: "r1", outcome: "passed", events, now: Date.parse(events[0]!.time) + 5000 });
    expect(metrics.totals).toEqual({ calls: 4, inputTokens: 400, outputTokens: 200, cacheWriteTokens: 40, cacheReadTokens: 20, costUsd: expect.closeTo(0.1, 10) });
    expect(metrics.costByAgent["file-writer"]!.costUsd).toBeCloseTo(0.07);
    expect(metrics.costByFile["a.py"]!.calls).toBe(2);
    expect(metrics.costOfQuality.reviewUsd).toBeCloseTo(0.02);
    expect(metrics.costOfQuality.failureUsd).toBeCloseTo(0.04);
    expect(metrics.timeByStageMs.code).toBe(500);
    expect(metrics.plannedVersusActual.durationMs.actual).toBe(5000);
  });

  it("logs each non-info finding as a defect with the phases that injected and removed it", () => {
    const defects = defectLog(events);
    expect(defects.map((defect) => [defect.injectedIn, defect.removedIn, defect.type])).toEqual([
      ["design", "design-review", "function"],
      ["planning", "design-review", "data"],
      ["code", "test", "function"],
    ]);
    const yields = phaseYields(defects);
    expect(yields["design-review"]).toBe(1);
    expect(yields.test).toBe(1);
    expect(yields.process).toBeCloseTo(2 / 3);
  });

  it("marks the costs as estimated when any call was priced at the default, and only those totals", () => {
    const estimated = event("llm.call", "design", { inputTokens: 1, outputTokens: 1, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0.5, estimated: true }, "r1-design-r1");
    const metrics = computeMetrics({ runId: "r1", outcome: "passed", events: [...events, estimated], now: Date.parse(events[0]!.time) });
    expect(metrics.totals.costEstimated).toBe(true);
    expect(metrics.costByAgent["design"]!.costEstimated).toBe(true);
    expect(metrics.costByAgent["planning"]).not.toHaveProperty("costEstimated");
    expect(computeMetrics({ runId: "r1", outcome: "passed", events, now: 0 }).totals).not.toHaveProperty("costEstimated");
    const report = postmortemMarkdown(postmortemSchema.parse({ ...metrics, proposal: null }));
    expect(report).toContain("| design | 1 | $0.5000 (estimated) |");
    expect(report).toContain("Estimated: some calls used a model without a price");
    expect(postmortemMarkdown(postmortemSchema.parse({ ...computeMetrics({ runId: "r1", outcome: "passed", events, now: 0 }), proposal: null }))).not.toContain("estimated");
  });
});
