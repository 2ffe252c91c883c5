import type { Pipeline, Stage } from "../../schemas/pipeline.ts";
import type { RunRequest, RunState } from "../../schemas/run.ts";
import { feedbackFromGate } from "./feedback.ts";

export function initialRunState(request: RunRequest, pipeline: Pipeline, now: string): RunState {
  return {
    runId: request.runId,
    task: request.task,
    pipeline: pipeline.name,
    status: "running",
    stageIndex: 0,
    rounds: {},
    gateFailures: {},
    // The repository of a change request sits with the stage outputs, so every stage's input carries it.
    outputs: request.repository ? { repository: request.repository } : {},
    history: [],
    ...(request.budgetUsd ?? request.task.budgetUsd ? { budgetUsd: request.budgetUsd ?? request.task.budgetUsd } : {}),
    startedAt: now,
    updatedAt: now,
  };
}

export type NextStep = { kind: "stage"; stage: Stage; round: number; resumed: boolean } | { kind: "finished" };

/**
 * What to do next. A stage whose last record is still "running" was interrupted (the orchestrator
 * died): it is resumed with the same round, hence the same job id, so no work is done twice.
 */
export function nextStep(state: RunState, pipeline: Pipeline): NextStep {
  for (let index = state.stageIndex; index < pipeline.stages.length; index++) {
    const stage = pipeline.stages[index]!;
    if (state.status !== "running" && !stage.always) continue;
    const last = state.history.at(-1);
    if (last && last.stage === stage.id && last.status === "running") return { kind: "stage", stage, round: last.round, resumed: true };
    return { kind: "stage", stage, round: (state.rounds[stage.id] ?? 0) + 1, resumed: false };
  }
  return { kind: "finished" };
}

export function startStage(state: RunState, pipeline: Pipeline, stage: Stage, round: number, now: string): RunState {
  return {
    ...state,
    stageIndex: pipeline.stages.indexOf(stage),
    rounds: { ...state.rounds, [stage.id]: round },
    history: [...state.history, { stage: stage.id, round, status: "running", startedAt: now, ...(state.attempt ? { attempt: state.attempt } : {}) }],
    updatedAt: now,
  };
}

export interface GateDecision {
  verdict: string;
  passed: boolean;
  goto?: string;
  exhausted: boolean;
  /** How many times this gate has failed in the run, this time included. */
  failures: number;
}

/**
 * Judges a gate stage's output against the pipeline's rule for it. `maxRounds` bounds the gate's own
 * loop: it counts the times this gate failed, not the times it ran, so code review re-run after a
 * failing test (another gate's loop) does not use up code review's rounds.
 */
export function judgeGate(stage: Stage, failuresBefore: number, output: Record<string, unknown>, extraRounds = 0): GateDecision | undefined {
  if (!stage.gate) return undefined;
  const verdict = String(output.verdict ?? "MISSING");
  const passed = stage.gate.pass.includes(verdict);
  if (passed) return { verdict, passed, exhausted: false, failures: failuresBefore };
  const failures = failuresBefore + 1;
  const findings = Array.isArray(output.findings) ? (output.findings as Array<{ target?: string; severity?: string }>) : [];
  const routed = findings.find((finding) => finding.target && stage.gate!.routes[finding.target] && (finding.severity === "critical" || finding.severity === "high"));
  const goto = routed ? stage.gate.routes[routed.target!] : stage.gate.onFail?.goto;
  // A resume may grant a gate rounds beyond the pipeline's (decision 1180).
  const maxRounds = (stage.gate.onFail?.maxRounds ?? 1) + extraRounds;
  return { verdict, passed, exhausted: !goto || failures >= maxRounds, failures, ...(goto ? { goto } : {}) };
}

/** Records a finished stage and moves the run on: forward, back with feedback, or to failure. */
export function completeStage(state: RunState, pipeline: Pipeline, stage: Stage, round: number, output: Record<string, unknown>, now: string): { state: RunState; decision?: GateDecision } {
  const decision = judgeGate(stage, state.gateFailures?.[stage.id] ?? 0, output, state.extraRounds?.[stage.id] ?? 0);
  const history = state.history.map((record, index) =>
    index === state.history.length - 1 && record.stage === stage.id
      ? { ...record, status: "completed" as const, finishedAt: now, ...(decision ? { verdict: decision.verdict } : {}) }
      : record,
  );
  const consumedFeedback = state.feedbackFor === stage.id ? { feedback: undefined, feedbackFor: undefined } : {};
  const gateFailures = decision ? { ...state.gateFailures, [stage.id]: decision.failures } : state.gateFailures;
  const consumedReuse = state.reuse?.stage === stage.id ? { reuse: undefined } : {};
  const base: RunState = { ...state, ...consumedFeedback, ...consumedReuse, gateFailures, outputs: { ...state.outputs, [stage.output]: output }, history, updatedAt: now };
  const index = pipeline.stages.indexOf(stage);
  if (!decision || decision.passed || state.status !== "running") return { state: { ...base, stageIndex: index + 1 }, decision };
  if (decision.exhausted) {
    const summary = typeof output.summary === "string" ? output.summary : "";
    // Rounds of the gate's own loop: the times it failed.
    const reason = `the ${stage.id} gate failed with ${decision.verdict} after ${decision.failures} round(s)${summary ? `: ${summary}` : ""}`;
    return { state: { ...base, status: "failed", reason, stageIndex: index + 1 }, decision };
  }
  const target = pipeline.stages.findIndex((candidate) => candidate.id === decision.goto);
  return {
    state: { ...base, stageIndex: target, feedback: feedbackFromGate(stage.id, round, output), feedbackFor: decision.goto },
    decision,
  };
}

/** A stage that could not produce a result at all (dead letter, bad output): the run errors, the postmortem still runs. */
export function failStage(state: RunState, pipeline: Pipeline, stage: Stage, reason: string, now: string): RunState {
  const history = state.history.map((record, index) =>
    index === state.history.length - 1 && record.stage === stage.id ? { ...record, status: "failed" as const, finishedAt: now } : record,
  );
  const status = state.status === "running" ? "error" : state.status;
  // A stage that fails again leaves its newest round to reuse, which the next resume sets anew.
  return { ...state, reuse: undefined, status, reason: state.reason ?? `stage ${stage.id} failed: ${reason}`, history, stageIndex: pipeline.stages.indexOf(stage) + 1, updatedAt: now };
}
