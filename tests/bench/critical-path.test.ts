import { describe, expect, it } from "vitest";
import type { AspEvent } from "../../schemas/event.ts";
import { criticalPath } from "../../bench/support/critical-path.ts";

let clock = Date.parse("2026-12-02T10:00:00Z");
const at = () => new Date((clock += 10)).toISOString();
const event = (type: string, agent: string, data: Record<string, unknown>, jobId?: string) =>
  ({ id: `e${clock}`, type, agent, runId: "r", time: at(), data, ...(jobId ? { jobId } : {}) }) as unknown as AspEvent;
const call = (agent: string, latencyMs: number, jobId: string, file?: string) => event("llm.call", agent, { agent, latencyMs, ...(file ? { file } : {}) }, jobId);

function codeStage(withWaves: boolean): AspEvent[] {
  return [
    event("stage.started", "orchestrator", { stage: "code", round: 1 }),
    call("code", 50, "manifest"),
    ...(withWaves ? [event("code.waves", "code", { round: 1, order: "waves", waves: [["a.py", "b.py"], ["test_a.py"]], fallback: false })] : []),
    call("file-writer", 100, "f-a", "a.py"),
    call("file-writer", 300, "f-b", "b.py"),
    // A continuation of the same job: its calls add up.
    call("file-writer", 120, "f-t", "test_a.py"),
    call("file-writer", 80, "f-t", "test_a.py"),
    event("stage.completed", "orchestrator", { stage: "code", round: 1 }),
  ];
}

describe("the critical path of a run's model calls", () => {
  it("sums each wave's longest file when the code agent wrote in waves", () => {
    const path = criticalPath(codeStage(true));
    // manifest 50, then wave 1's longest (b.py, 300), then wave 2 (test_a.py, 120 + 80).
    expect(path.criticalMs).toBe(50 + 300 + 200);
    // On one writer every file runs in turn whatever the waves.
    expect(criticalPath(codeStage(true), 1).poolBoundMs).toBe(50 + 100 + 300 + 200);
  });

  it("takes the longest file of all when there were no waves (all at once)", () => {
    expect(criticalPath(codeStage(false)).criticalMs).toBe(50 + 300);
  });
});
