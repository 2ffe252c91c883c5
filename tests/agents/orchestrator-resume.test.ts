import { describe, expect, it } from "vitest";
import { loadPipeline } from "../../agents/orchestrator/pipeline-loader.ts";
import { resumeRun, whereRunStopped } from "../../agents/orchestrator/resume-run.ts";
import { initialRunState } from "../../agents/orchestrator/state-machine.ts";
import { costByAttempt } from "../../agents/shared/attempt-costs.ts";
import type { AspEvent } from "../../schemas/event.ts";
import type { RunState } from "../../schemas/run.ts";
import { BudgetExceededError } from "../../errors/index.ts";
import { driveOrchestrator } from "./support/drive-orchestrator.ts";
import type { CatalogueEventType } from "../../schemas/events/index.ts";
import { eventData } from "../support/event-fixtures.ts";

const pipeline = await loadPipeline("default");
const task = { title: "t", description: "d", requirements: [] };
const now = "2026-01-01T00:00:00.000Z";
const later = "2026-01-02T00:00:00.000Z";

type Outcome = Record<string, unknown> | Error;

/** The real orchestrator on the in-memory runtime, from a stored state; an Error output fails the stage. */
const drive = (start: RunState, outputs: (stage: string, round: number) => Outcome) => driveOrchestrator(pipeline, start, outputs);

const pass = (stage: string) => (stage === "test" ? { verdict: "PASS" } : stage.endsWith("review") ? { verdict: "PASS", findings: [] } : { ok: stage });
const failingTests = { verdict: "FAIL", failures: [{ name: "t", message: "boom" }], implicatedFiles: ["a.py"] };
const fresh = () => initialRunState({ runId: "r1", task, pipeline: "default", budgetUsd: 1 }, pipeline, now);

function expectResumed(plan: ReturnType<typeof resumeRun>): RunState {
  if (!plan.ok) throw new Error(`expected a resume, got: ${plan.error}`);
  return plan.state;
}

describe("resuming a run that stopped at its budget", async () => {
  const stopped = (await drive(fresh(), (stage) => (stage === "code" ? new BudgetExceededError("the run's budget of $1 would be exceeded") : pass(stage)))).state;

  it("finds the failed stage and refuses to go on without a larger budget", () => {
    expect(whereRunStopped(stopped, pipeline)).toMatchObject({ kind: "failed", round: 1, stage: { id: "code" } });
    expect(resumeRun(stopped, pipeline, { attempt: 2 }, { spentUsd: 0.9, now: later })).toEqual({ ok: false, error: expect.stringContaining("give a larger --budget") });
    expect(resumeRun(stopped, pipeline, { attempt: 2, budgetUsd: 0.5 }, { spentUsd: 0.9, now: later })).toEqual({ ok: false, error: expect.stringMatching(/--budget \$0\.5000 is not more than the \$0\.9000/) });
  });

  it("runs the failed stage again in a fresh round that may reuse the failed round's work, and does not re-run what completed", async () => {
    const resumed = expectResumed(resumeRun(stopped, pipeline, { attempt: 2, budgetUsd: 2 }, { spentUsd: 0.9, now: later }));
    expect(resumed).toMatchObject({ status: "running", attempt: 2, budgetUsd: 2, reuse: { stage: "code", round: 1 } });
    expect(resumed.reason).toBeUndefined();
    expect(resumed.attempts).toEqual([
      { attempt: 1, from: "planning", startedAt: now, budgetUsd: 1 },
      { attempt: 2, from: "code", startedAt: later, budgetUsd: 2, previousStatus: "failed", previousReason: expect.stringContaining("stopped at its budget") },
    ]);
    const { state, visits } = await drive(resumed, pass);
    expect(visits).toEqual(["code#2+reuse1", "code-review#1", "test#1", "postmortem#2"]);
    expect(state.status).toBe("passed");
    expect(state.reuse).toBeUndefined();
    expect(state.history.filter((record) => record.attempt === 2).map((record) => record.stage)).toEqual(["code", "code-review", "test", "postmortem"]);
  });

  it("--from an earlier stage redoes it and everything after it, with fresh rounds and no stale outputs", async () => {
    const resumed = expectResumed(resumeRun(stopped, pipeline, { attempt: 2, from: "design", budgetUsd: 2 }, { spentUsd: 0.9, now: later }));
    expect(Object.keys(resumed.outputs)).toEqual(["plan"]);
    expect(resumed.reuse).toBeUndefined();
    expect((await drive(resumed, pass)).visits).toEqual(["design#2", "design-review#2", "code#2", "code-review#1", "test#1", "postmortem#2"]);
  });

  it("refuses a --from that names no stage, names the postmortem, or comes after where the run stopped", () => {
    const plan = (from: string) => resumeRun(stopped, pipeline, { attempt: 2, from, budgetUsd: 2 }, { spentUsd: 0.9, now: later });
    expect(plan("deploy")).toEqual({ ok: false, error: "--from deploy names no stage of pipeline default: use one of planning, design, design-review, code, code-review, test" });
    expect(plan("postmortem")).toMatchObject({ ok: false });
    expect(plan("test")).toEqual({ ok: false, error: expect.stringContaining("comes after code, where run r1 stopped") });
  });
});

describe("resuming a run whose gate ran out of rounds", async () => {
  // Tests fail in rounds 1 to 3 (the gate's three) and would pass from round 4 on.
  const outputs = (stage: string, round: number) => (stage === "test" && round <= 3 ? failingTests : pass(stage));
  const exhausted = (await drive(fresh(), outputs)).state;

  it("goes back where the gate sends a failure, with its feedback, and grants exactly --rounds more failures", async () => {
    expect(exhausted.reason).toMatch(/test gate failed with FAIL after 3 round/);
    expect(whereRunStopped(exhausted, pipeline)).toMatchObject({ kind: "gate", round: 3, stage: { id: "test" } });
    const resumed = expectResumed(resumeRun(exhausted, pipeline, { attempt: 2, rounds: 2 }, { spentUsd: 0, now: later }));
    expect(resumed).toMatchObject({ stageIndex: 3, feedbackFor: "code", extraRounds: { test: 2 }, feedback: { fromStage: "test", round: 3, files: ["a.py"] } });
    const { state, visits } = await drive(resumed, outputs);
    expect(visits).toEqual(["code#4+feedback", "code-review#4", "test#4", "postmortem#2"]);
    expect(state.status).toBe("passed");
  });

  it("fails again once the granted rounds are used up", async () => {
    const resumed = expectResumed(resumeRun(exhausted, pipeline, { attempt: 2, rounds: 2 }, { spentUsd: 0, now: later }));
    const { state, visits } = await drive(resumed, (stage) => (stage === "test" ? failingTests : pass(stage)));
    expect(visits.filter((visit) => visit.startsWith("test"))).toEqual(["test#4", "test#5"]);
    expect(state.status).toBe("failed");
    expect(state.reason).toMatch(/after 5 round\(s\)/);
  });

  it("refuses --rounds for a run that did not stop at a gate, and a run still running", async () => {
    const budgetStop = (await drive(fresh(), (stage) => (stage === "code" ? new BudgetExceededError("budget") : pass(stage)))).state;
    expect(resumeRun(budgetStop, pipeline, { attempt: 2, rounds: 2, budgetUsd: 3 }, { spentUsd: 1, now: later })).toEqual({ ok: false, error: expect.stringContaining("did not stop at a gate") });
    expect(resumeRun(fresh(), pipeline, { attempt: 2 }, { spentUsd: 0, now: later })).toEqual({ ok: false, error: "run r1 is still running: only a run that has ended can be resumed" });
  });

  it("refuses a run that passed unless --from says what to redo", async () => {
    const passed = { ...(await drive(fresh(), pass)).state, status: "passed" as const };
    expect(resumeRun(passed, pipeline, { attempt: 2 }, { spentUsd: 0, now: later })).toEqual({ ok: false, error: expect.stringContaining("give --from STAGE") });
    expect(resumeRun(passed, pipeline, { attempt: 2, from: "test" }, { spentUsd: 0, now: later }).ok).toBe(true);
  });
});

describe("cost per attempt", () => {
  const event = (type: CatalogueEventType, data: Record<string, unknown>): AspEvent => ({ id: `${type}-${Math.random()}`, runId: "r1", agent: "a", type, time: now, data: eventData(type, data) as Record<string, unknown> });

  it("gives each llm.call to the attempt that last started before it in the stream", () => {
    const attempts = costByAttempt([
      event("run.started", {}),
      event("llm.call", { costUsd: 0.1 }),
      event("llm.call", { costUsd: 0.2 }),
      event("run.failed", {}),
      event("run.attempt_started", { attempt: 2 }),
      event("llm.call", { costUsd: 0.4 }),
    ]);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.calls, Number(attempt.costUsd.toFixed(6))])).toEqual([
      [1, 2, 0.3],
      [2, 1, 0.4],
    ]);
  });
});
