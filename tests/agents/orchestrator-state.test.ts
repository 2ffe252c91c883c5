import { describe, expect, it } from "vitest";
import { failStage, initialRunState, nextStep, startStage } from "../../agents/orchestrator/state-machine.ts";
import { loadPipeline } from "../../agents/orchestrator/pipeline-loader.ts";
import type { RunState, StageInput } from "../../schemas/run.ts";
import { driveOrchestrator } from "./support/drive-orchestrator.ts";

const pipeline = await loadPipeline("default");
const task = { title: "t", description: "d", requirements: [] };
const now = "2026-01-01T00:00:00.000Z";

/** The real orchestrator on the in-memory runtime, from a fresh run, with scripted stage outputs. */
const drive = (outputs: (stage: string, round: number, input: StageInput) => Record<string, unknown>) =>
  driveOrchestrator(pipeline, initialRunState({ runId: "r1", task, pipeline: "default" }, pipeline, now), outputs);

const pass = (stage: string) => (stage === "test" ? { verdict: "PASS" } : stage.endsWith("review") ? { verdict: "PASS", findings: [] } : { ok: true });

describe("the orchestrator's state machine", () => {
  it("runs every stage once when every gate passes", async () => {
    const { state, visits } = await drive((stage) => pass(stage));
    expect(visits).toEqual(["planning#1", "design#1", "design-review#1", "code#1", "code-review#1", "test#1", "postmortem#1"]);
    expect(state.status).toBe("passed");
    expect(Object.keys(state.outputs)).toEqual(["plan", "design", "designReview", "code", "codeReview", "testReport", "postmortem"]);
  });

  it("sends a failed design review back to design with the findings, then goes on", async () => {
    const finding = { severity: "high", category: "c", description: "no auth", target: "design" };
    const { visits, state } = await drive((stage, round) => (stage === "design-review" && round === 1 ? { verdict: "FAIL", summary: "bad", findings: [finding] } : pass(stage)));
    expect(visits.slice(0, 5)).toEqual(["planning#1", "design#1", "design-review#1", "design#2+feedback", "design-review#2"]);
    expect(state.status).toBe("passed");
    expect(state.feedback).toBeUndefined();
  });

  it("routes findings about the plan back to planning", async () => {
    const finding = { severity: "high", category: "c", description: "units wrong", target: "plan" };
    const { visits } = await drive((stage, round) => (stage === "design-review" && round === 1 ? { verdict: "FAIL", findings: [finding] } : pass(stage)));
    expect(visits.slice(0, 4)).toEqual(["planning#1", "design#1", "design-review#1", "planning#2+feedback"]);
  });

  it("fails the run after three failed rounds with a clear reason, and still runs the postmortem", async () => {
    const { state, visits } = await drive((stage) => (stage === "test" ? { verdict: "FAIL", failures: [{ name: "t", message: "boom" }], implicatedFiles: ["a.py"] } : pass(stage)));
    expect(visits.filter((visit) => visit.startsWith("test"))).toEqual(["test#1", "test#2", "test#3"]);
    expect(visits.filter((visit) => visit.startsWith("code#"))).toEqual(["code#1", "code#2+feedback", "code#3+feedback"]);
    expect(visits.at(-1)).toBe("postmortem#1");
    expect(state.status).toBe("failed");
    expect(state.reason).toMatch(/^the test gate failed with FAIL after 3 round\(s\)/);
  });

  it("counts each gate's own failures: code review re-run after failing tests keeps its three rounds", async () => {
    const failingTests = { verdict: "FAIL", failures: [{ name: "t", message: "boom" }], implicatedFiles: ["a.py"] };
    const highFinding = { verdict: "FAIL", summary: "no input check", findings: [{ severity: "high", category: "c", description: "no input check", target: "code", file: "a.py" }] };
    // Tests fail twice (rounds 1 and 2), then code review fails on its 3rd and 4th run: its first and second failures.
    const { state, visits } = await drive((stage, round) => {
      if (stage === "test" && round <= 2) return failingTests;
      if (stage === "code-review" && (round === 3 || round === 4)) return highFinding;
      return pass(stage);
    });
    expect(visits.filter((visit) => visit.startsWith("code-review"))).toEqual(["code-review#1", "code-review#2", "code-review#3", "code-review#4", "code-review#5"]);
    expect(state.gateFailures).toEqual({ "design-review": 0, "code-review": 2, test: 2 });
    expect(state.status).toBe("passed");
  });

  it("fails code review after its own third failure, whatever the test gate did before", async () => {
    const highFinding = { verdict: "FAIL", findings: [{ severity: "high", category: "c", description: "x", target: "code" }] };
    const { state } = await drive((stage, round) => (stage === "test" && round === 1 ? { verdict: "FAIL", failures: [{ name: "t", message: "m" }] } : stage === "code-review" && round >= 2 ? highFinding : pass(stage)));
    expect(state.gateFailures["code-review"]).toBe(3);
    expect(state.rounds["code-review"]).toBe(4);
    expect(state.reason).toMatch(/^the code-review gate failed with FAIL after 3 round\(s\)/);
  });

  it("passes test failures to the code stage as feedback naming the implicated files", async () => {
    let seen: RunState["feedback"];
    await drive((stage, round, input) => {
      if (stage === "code" && round === 2) seen = input.feedback;
      return stage === "test" && round === 1 ? { verdict: "FAIL", failures: [{ name: "test_add", message: "3 != 4" }], implicatedFiles: ["calc.py"] } : pass(stage);
    });
    expect(seen?.files).toEqual(["calc.py"]);
    expect(seen?.findings[0]?.description).toBe("test test_add failed: 3 != 4");
  });

  it("resumes an interrupted stage with the same round, so the same job id", () => {
    let state = initialRunState({ runId: "r1", task, pipeline: "default" }, pipeline, now);
    const first = nextStep(state, pipeline);
    if (first.kind !== "stage") throw new Error("expected a stage");
    state = startStage(state, pipeline, first.stage, first.round, now);
    const resumed = nextStep(state, pipeline);
    expect(resumed).toMatchObject({ kind: "stage", round: 1, resumed: true });
  });

  it("on a stage error skips to the postmortem and records the reason", () => {
    let state = initialRunState({ runId: "r1", task, pipeline: "default" }, pipeline, now);
    const step = nextStep(state, pipeline);
    if (step.kind !== "stage") throw new Error("expected a stage");
    state = startStage(state, pipeline, step.stage, step.round, now);
    state = failStage(state, pipeline, step.stage, "dead letter", now);
    expect(state.status).toBe("error");
    expect(state.reason).toBe("stage planning failed: dead letter");
    expect(nextStep(state, pipeline)).toMatchObject({ kind: "stage", stage: { id: "postmortem" } });
  });
});
