import type { Pipeline, Stage } from "../../schemas/pipeline.ts";
import type { RunAttempt, RunState } from "../../schemas/run.ts";
import { feedbackFromGate } from "./feedback.ts";
import { judgeGate } from "./state-machine.ts";

export interface ResumeRequest {
  attempt: number;
  from?: string;
  rounds?: number;
  budgetUsd?: number;
}

/** Where an ended run stopped: a stage that failed (budget, crash), or a gate that ran out of rounds. */
export type StoppedAt = { kind: "failed"; stage: Stage; round: number } | { kind: "gate"; stage: Stage; round: number; verdict: string };

export type ResumePlan = { ok: true; state: RunState; from: string } | { ok: false; error: string };

/** The last stage of the run that was not an `always` one (the postmortem runs after every attempt). */
export function whereRunStopped(state: RunState, pipeline: Pipeline): StoppedAt | undefined {
  for (let index = state.history.length - 1; index >= 0; index--) {
    const record = state.history[index]!;
    const stage = pipeline.stages.find((candidate) => candidate.id === record.stage);
    if (!stage || stage.always) continue;
    if (record.status === "failed") return { kind: "failed", stage, round: record.round };
    if (stage.gate && record.verdict !== undefined && !stage.gate.pass.includes(record.verdict)) return { kind: "gate", stage, round: record.round, verdict: record.verdict };
    return undefined;
  }
  return undefined;
}

const usd = (value: number) => `$${value.toFixed(4)}`;

/**
 * The state of a run's next attempt, or why it cannot have one. Pure, so the CLI checks a resume
 * before it starts anything and the orchestrator applies the very same rules.
 */
export function resumeRun(state: RunState, pipeline: Pipeline, request: ResumeRequest, context: { spentUsd: number; now: string }): ResumePlan {
  const fail = (error: string): ResumePlan => ({ ok: false, error });
  if (state.status === "running" || state.status === "waiting") return fail(`run ${state.runId} is still ${state.status}: only a run that has ended can be resumed`);
  const stopped = whereRunStopped(state, pipeline);
  const stageIds = pipeline.stages.filter((stage) => !stage.always).map((stage) => stage.id);
  let fromStage: Stage | undefined;
  if (request.from !== undefined) {
    fromStage = pipeline.stages.find((stage) => stage.id === request.from && !stage.always);
    if (!fromStage) return fail(`--from ${request.from} names no stage of pipeline ${pipeline.name}: use one of ${stageIds.join(", ")}`);
    if (stopped && pipeline.stages.indexOf(fromStage) > pipeline.stages.indexOf(stopped.stage)) {
      return fail(`--from ${request.from} comes after ${stopped.stage.id}, where run ${state.runId} stopped: a resume can only start there or earlier`);
    }
  }
  if (!stopped && !fromStage) return fail(`run ${state.runId} ${state.status} with no stage left to resume: give --from STAGE to redo it from a stage`);

  const stoppedAtBudget = state.reason?.startsWith("stopped at its budget") ?? false;
  if (request.budgetUsd !== undefined && request.budgetUsd <= context.spentUsd) {
    return fail(`--budget ${usd(request.budgetUsd)} is not more than the ${usd(context.spentUsd)} run ${state.runId} has spent already`);
  }
  if (request.budgetUsd === undefined && stoppedAtBudget) {
    return fail(`run ${state.runId} stopped at its budget of ${usd(state.budgetUsd ?? 0)} (${usd(context.spentUsd)} spent): give a larger --budget`);
  }
  const resumesGate = stopped?.kind === "gate" && !fromStage;
  if (request.rounds !== undefined && !resumesGate) {
    return fail(`--rounds gives an exhausted gate more rounds, but run ${state.runId} ${stopped?.kind === "gate" ? "is resumed --from a stage" : "did not stop at a gate"}`);
  }

  let next: RunState = { ...state, reuse: undefined };
  if (fromStage) {
    // What follows the stage is redone: its outputs, pending feedback and gate loops start afresh.
    const index = pipeline.stages.indexOf(fromStage);
    const redone = pipeline.stages.slice(index);
    const outputs = { ...state.outputs };
    const gateFailures = { ...state.gateFailures };
    const extraRounds = { ...(state.extraRounds ?? {}) };
    for (const stage of redone) {
      delete outputs[stage.output];
      delete gateFailures[stage.id];
      delete extraRounds[stage.id];
    }
    next = { ...next, stageIndex: index, outputs, gateFailures, extraRounds, feedback: undefined, feedbackFor: undefined };
    if (stopped?.kind === "failed" && stopped.stage === fromStage) next.reuse = { stage: fromStage.id, round: stopped.round };
  } else if (stopped!.kind === "failed") {
    // The failed stage runs again in a fresh round (a fresh job id: the old one holds the failure); it may reuse that round's stored work.
    next = { ...next, stageIndex: pipeline.stages.indexOf(stopped!.stage), reuse: { stage: stopped!.stage.id, round: stopped!.round } };
  } else {
    const gate = stopped!.stage;
    const output = (state.outputs[gate.output] ?? {}) as Record<string, unknown>;
    const goto = judgeGate(gate, 0, output)?.goto;
    const target = pipeline.stages.findIndex((stage) => stage.id === goto);
    if (!goto || target < 0) return fail(`the ${gate.id} gate has no stage to send the run back to: resume it --from a stage`);
    // The gate may now fail `rounds` more times than it already has before it is exhausted again.
    const failures = state.gateFailures?.[gate.id] ?? 0;
    const maxRounds = gate.gate!.onFail?.maxRounds ?? 1;
    const extra = Math.max(0, failures + (request.rounds ?? 1) - maxRounds);
    next = { ...next, stageIndex: target, feedback: feedbackFromGate(gate.id, stopped!.round, output), feedbackFor: goto, extraRounds: { ...(state.extraRounds ?? {}), [gate.id]: extra } };
  }
  const from = pipeline.stages[next.stageIndex]!.id;
  const firstAttempt: RunAttempt = { attempt: 1, from: pipeline.stages[0]!.id, startedAt: state.startedAt, ...(state.budgetUsd ? { budgetUsd: state.budgetUsd } : {}) };
  const attempt: RunAttempt = {
    attempt: request.attempt,
    from,
    startedAt: context.now,
    ...((request.budgetUsd ?? state.budgetUsd) ? { budgetUsd: request.budgetUsd ?? state.budgetUsd } : {}),
    previousStatus: state.status,
    ...(state.reason ? { previousReason: state.reason } : {}),
  };
  const { reason: _endedReason, ...rest } = next;
  return {
    ok: true,
    from,
    state: {
      ...rest,
      status: "running",
      attempt: request.attempt,
      attempts: [...(state.attempts ?? [firstAttempt]), attempt],
      ...(request.budgetUsd !== undefined ? { budgetUsd: request.budgetUsd } : {}),
      updatedAt: context.now,
    },
  };
}
