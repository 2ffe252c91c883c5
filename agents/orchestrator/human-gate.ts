import type { Stage } from "../../schemas/pipeline.ts";
import type { RunState } from "../../schemas/run.ts";
import type { HumanDecision } from "./await-decision.ts";

/** A stage whose gate asks for approval makes the run wait once its output is in and the automated gate passed. */
export function needsApproval(stage: Stage, state: RunState): boolean {
  return Boolean(stage.gate?.approval) && state.status === "running";
}

export function startWaiting(state: RunState, stage: Stage, round: number, now: number): RunState {
  const timeoutMs = stage.gate!.approval!.timeoutMs;
  return {
    ...state,
    status: "waiting",
    waiting: { stage: stage.id, round, since: new Date(now).toISOString(), deadline: new Date(now + timeoutMs).toISOString() },
    updatedAt: new Date(now).toISOString(),
  };
}

/** Applies a human's (or the timeout policy's) decision: approve goes on, reject fails the run with who and why. */
export function applyDecision(state: RunState, decision: HumanDecision, now: number): RunState {
  const gate = state.waiting?.stage ?? "unknown";
  const base = { ...state, waiting: undefined, updatedAt: new Date(now).toISOString() };
  if (decision.decision === "approve") return { ...base, status: "running" };
  return { ...base, status: "failed", reason: `the ${gate} gate was rejected by ${decision.decidedBy}${decision.note ? `: ${decision.note}` : ""}` };
}
