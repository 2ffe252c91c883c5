import { describe, expect, it } from "vitest";
import { eventSchema, type AspEvent } from "../../schemas/event.ts";
import type { Postmortem } from "../../schemas/postmortem.ts";
import { formatRunDetail } from "../../cli/history-commands.ts";
import { buildWatchState } from "../../cli/watch/run-view.ts";
import type { RunHistoryEntry } from "../../cli/watch/run-history.ts";
import type { CatalogueEventType } from "../../schemas/events/index.ts";
import { eventData } from "../support/event-fixtures.ts";

const runId = "run-detail";
let second = 0;
// Only the fields a test is about; the rest of each type's data comes from the catalogue's sample.
const event = (agent: string, type: CatalogueEventType, data: Record<string, unknown>): AspEvent =>
  eventSchema.parse({ id: `event-${++second}`, runId, agent, type, time: `2025-01-01T10:00:${String(second).padStart(2, "0")}.000Z`, data: eventData(type, data) });

/** Two rounds of code: round 2 regenerates b.py after a failed review and carries a.py over unchanged. */
const twoRounds = (): AspEvent[] => [
  event("orchestrator", "run.started", { task: { title: "Word counter", description: "Counts words" }, stages: ["code", "code-review"] }),
  event("orchestrator", "stage.started", { stage: "code", agent: "code", round: 1 }),
  event("code", "manifest.ready", { files: [{ path: "a.py", estimatedLines: 20 }, { path: "b.py", estimatedLines: 10 }] }),
  event("file-writer", "file.written", { path: "a.py", round: 1, bytes: 812, writer: "writer-1" }),
  event("file-writer", "file.written", { path: "b.py", round: 1, bytes: 300, writer: "writer-1" }),
  event("orchestrator", "stage.completed", { stage: "code", round: 1, durationMs: 1000 }),
  event("orchestrator", "gate.verdict", {
    stage: "code-review", round: 1, verdict: "FAIL", passed: false, next: "code", decidedBy: "agent",
    findings: [
      { reviewer: "review-security", severity: "high", category: "security", id: "SEC-1", description: "shell command built from user input", file: "b.py", line: 4 },
      { reviewer: "review-maintainability", severity: "low", category: "style", id: "MNT-1", description: "magic number" },
      { reviewer: "review-security", severity: "medium", category: "security", id: "SEC-2", description: "no timeout on the request" },
    ],
  }),
  event("orchestrator", "stage.started", { stage: "code", agent: "code", round: 2 }),
  event("code", "manifest.ready", { files: [{ path: "a.py", estimatedLines: 20 }, { path: "b.py", estimatedLines: 10 }] }),
  event("code", "file.reused", { path: "a.py", round: 2, fromRound: 1, sha256: "abc" }),
  event("file-writer", "file.written", { path: "b.py", round: 2, bytes: 320, writer: "writer-2" }),
];

function entryOf(events: AspEvent[], postmortem?: Postmortem): RunHistoryEntry {
  return { runId, status: "failed", startedAt: events[0]!.time, costUsd: 0.2, tokens: 0, files: 2, verdicts: [], view: buildWatchState(events).runs[runId]!, ...(postmortem ? { postmortem } : {}) };
}

describe("asp show (one run in detail)", () => {
  it("regression: asp show listed files carried over unchanged from an earlier round as 'queued 0 B'", () => {
    const output = formatRunDetail(entryOf(twoRounds()));
    expect(output).toContain("a.py r2  reused from r1  812 B");
    expect(output).toContain("b.py r2  written  320 B  writer-2");
    expect(output).not.toContain("queued");
  });

  it("regression: asp show printed costs unrounded (0.20297700000000002)", () => {
    const postmortem = {
      defects: [],
      defectDensityPerKloc: 0,
      phaseYield: { process: 1 },
      plannedVersusActual: {
        tokens: { planned: 1000, actual: 1234 },
        costUsd: { planned: 0.15, actual: 0.20297700000000002 },
        durationMs: { planned: 20_000, actual: 26_123.4 },
        files: { planned: 2, actual: 2 },
        lines: { planned: 50.333333333, actual: 67 },
      },
      costByAgent: { code: { costUsd: 0.10148850000000001 } },
    } as unknown as Postmortem;
    const output = formatRunDetail(entryOf(twoRounds(), postmortem));
    expect(output).toMatch(/costUsd\s+planned \$0\.1500  actual \$0\.2030/);
    expect(output).toMatch(/durationMs\s+planned 20\.0s  actual 26\.1s/);
    expect(output).toMatch(/lines\s+planned 50  actual 67/);
    expect(output).toContain("code $0.1015");
    expect(output).not.toMatch(/\d\.\d{5,}/);
  });

  it("lists the findings of each gate round per reviewer", () => {
    const output = formatRunDetail(entryOf(twoRounds()));
    const findings = output.slice(output.indexOf("findings:"));
    expect(findings).toContain("code-review r1 (FAIL):");
    expect(findings).toMatch(/review-maintainability:\n\s+low\s+MNT-1 magic number/);
    expect(findings).toMatch(/review-security:\n\s+high\s+SEC-1 b\.py:4 shell command built from user input\n\s+medium\s+SEC-2 no timeout on the request/);
  });
});
