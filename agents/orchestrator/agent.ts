import { z } from "zod";
import { jsonCodec } from "../../bus/codec.ts";
import { defineAgent, type JobContext } from "../../bus/define-agent.ts";
import { isInfrastructureFailure } from "../../bus/infrastructure-failure.ts";
import { BusError, isBudgetExceeded, ValidationError } from "../../errors/index.ts";
import type { Pipeline, Stage } from "../../schemas/pipeline.ts";
import { runRequestSchema, runSummarySchema, stageInputSchema, type ResumeOptions, type RunRequest, type RunState, type RunSummary } from "../../schemas/run.ts";
import { attemptStartedEvent, costByAttempt, totalCost } from "../shared/attempt-costs.ts";
import { resumeRun } from "./resume-run.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import type { HumanDecision } from "./await-decision.ts";
import { feedbackFromGate } from "./feedback.ts";
import { applyDecision, needsApproval, startWaiting } from "./human-gate.ts";
import type { RunStore } from "../shared/run-store.ts";
import { completeStage, failStage, initialRunState, nextStep, startStage } from "./state-machine.ts";
import { jobIds } from "../../bus/job-ids.ts";
import { retryBudget } from "../../bus/retry-budget.ts";
import { withStagePresence, type StagePresenceOptions } from "./stage-presence.ts";
import { withStageSpan } from "./stage-span.ts";

export type OrchestratorDeps = AgentDeps & {
  runs: RunStore;
  loadPipeline(name: string): Promise<Pipeline>;
  awaitGateDecision(options: { runId: string; stage: string; round: number; timeoutMs: number }): Promise<HumanDecision | undefined>;
  /** Live instances of an agent; absent, a stage's wait for its agent is not watched (agents/orchestrator/stage-presence.ts). */
  countInstances?(agent: string): Promise<number>;
};

function presenceOf(context: JobContext<OrchestratorDeps>, stage: Stage, round: number): StagePresenceOptions | undefined {
  const { countInstances } = context.deps;
  if (!countInstances) return undefined;
  return { stage: stage.id, agent: stage.agent, round, countInstances, emit: (type, data) => context.emit(type, data) };
}

/** Deliveries of one run job: a run interrupted by the bus this many times ends with the stage failed. */
const orchestratorMaxDeliver = retryBudget.orchestratorDeliveriesPerRun;

const stageInputCodec = jsonCodec(stageInputSchema);
const stageOutputCodec = jsonCodec(z.record(z.string(), z.unknown()));

function stageInput(state: RunState, stageId: string, round: number, reviewers: string[]) {
  return {
    ...state.outputs,
    runId: state.runId,
    task: state.task,
    stage: stageId,
    round,
    reviewers,
    outcome: state.status === "running" ? "passed" : state.status,
    ...(state.feedback && state.feedbackFor === stageId ? { feedback: state.feedback } : {}),
    ...(state.reuse?.stage === stageId ? { resumeRound: state.reuse.round } : {}),
  };
}

async function summarise(context: JobContext<OrchestratorDeps>, state: RunState): Promise<RunSummary> {
  const events = await context.deps.readRunEvents(state.runId);
  const attempts = costByAttempt(events);
  const costUsd = attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0);
  const code = state.outputs.code as { files?: unknown[] } | undefined;
  return {
    runId: state.runId,
    status: state.status === "running" ? "passed" : state.status,
    ...(state.reason ? { reason: state.reason } : {}),
    stages: state.history,
    costUsd,
    durationMs: Math.max(0, context.clock.now() - Date.parse(state.startedAt)),
    files: code?.files?.length ?? 0,
    ...(state.attempt ? { attempt: state.attempt, costByAttempt: attempts } : {}),
  };
}

/**
 * Applies `asp resume` to the stored state: a new attempt of the same run (decision 1180). A
 * request whose attempt the state already has is a redelivery after a crash, and resumes as any other.
 */
async function startAttempt(context: JobContext<OrchestratorDeps>, state: RunState, pipeline: Pipeline, resume: ResumeOptions, now: string): Promise<RunState> {
  const spentUsd = totalCost(await context.deps.readRunEvents(state.runId));
  const plan = resumeRun(state, pipeline, resume, { spentUsd, now });
  if (!plan.ok) throw new ValidationError(plan.error);
  await context.deps.runs.put(plan.state);
  await context.emit(attemptStartedEvent, {
    attempt: resume.attempt,
    from: plan.from,
    previousStatus: state.status,
    previousReason: state.reason ?? null,
    budgetUsd: plan.state.budgetUsd ?? null,
    rounds: resume.rounds ?? null,
    spentUsd,
  });
  return plan.state;
}

/** Holds the run at a human gate until a decision (or the timeout policy) lets it go on or fails it. */
async function waitForHuman(context: JobContext<OrchestratorDeps>, state: RunState, stage: Stage): Promise<RunState> {
  const waiting = state.waiting!;
  await context.emit("gate.waiting", { stage: waiting.stage, round: waiting.round, since: waiting.since, deadline: waiting.deadline });
  const remaining = Date.parse(waiting.deadline) - context.clock.now();
  let decision = await context.deps.awaitGateDecision({ runId: state.runId, stage: waiting.stage, round: waiting.round, timeoutMs: remaining });
  if (!decision) {
    const policy = stage.gate!.approval!.onTimeout;
    decision = { decision: policy, note: `no decision within ${stage.gate!.approval!.timeoutMs} ms`, decidedBy: "timeout-policy" };
    await context.emit("gate.decided", { stage: waiting.stage, round: waiting.round, ...decision });
  }
  const next = applyDecision(state, decision, context.clock.now());
  await context.deps.runs.put(next);
  return next;
}

/**
 * Drives one run as a state machine over the pipeline definition. The state is saved to KV
 * before and after every stage; a restarted orchestrator gets the run job redelivered, reads the
 * state back and re-requests the interrupted stage under the same job id, which the bus answers
 * from the stored result if the stage had already finished.
 */
export const orchestratorAgent = defineAgent<RunRequest, RunSummary, OrchestratorDeps>({
  name: "orchestrator",
  version: "1.0.0",
  description: "Drives each run through the pipeline definition: stages, gates, human approvals and feedback loops",
  input: runRequestSchema,
  output: runSummarySchema,
  concurrency: 8,
  maxDeliver: orchestratorMaxDeliver,
  async handle(request, context) {
    const { runs, jobs } = context.deps;
    const pipeline = await context.deps.loadPipeline(request.pipeline);
    const nowIso = () => new Date(context.clock.now()).toISOString();
    let state = await runs.get(request.runId);
    if (!state) {
      state = initialRunState(request, pipeline, nowIso());
      await runs.put(state);
      await context.emit("run.started", { task: request.task, pipeline: pipeline.name, stages: pipeline.stages.map((stage) => stage.id), budgetUsd: state.budgetUsd ?? null });
    } else if (request.resume && request.resume.attempt > (state.attempt ?? 1)) {
      state = await startAttempt(context, state, pipeline, request.resume, nowIso());
    } else {
      await context.emit("run.resumed", { stageIndex: state.stageIndex, status: state.status, attempt: state.attempt ?? 1 });
    }
    if (state.status === "waiting" && state.waiting) {
      const gateStage = pipeline.stages.find((stage) => stage.id === state!.waiting!.stage)!;
      state = await waitForHuman(context, state, gateStage);
    }
    for (let step = nextStep(state, pipeline); step.kind === "stage"; step = nextStep(state, pipeline)) {
      const { stage, round } = step;
      if (!step.resumed) {
        state = startStage(state, pipeline, stage, round, nowIso());
        await runs.put(state);
      }
      await context.emit("stage.started", { stage: stage.id, agent: stage.agent, round, resumed: step.resumed });
      const started = context.clock.now();
      try {
        const input = stageInput(state, stage.id, round, stage.reviewers);
        const runId = state.runId;
        const stageRequest = () =>
          jobs.request(stage.agent, input, {
            runId,
            taskId: context.taskId,
            traceId: context.traceId,
            jobId: jobIds.stage(runId, stage.id, round),
            inputCodec: stageInputCodec,
            outputCodec: stageOutputCodec,
            timeoutMs: stage.timeoutMs,
          });
        const reply = await withStageSpan(context.deps.tracer, { runId, stage: stage.id, agent: stage.agent, round, resumed: step.resumed }, () =>
          withStagePresence(presenceOf(context, stage, round), stageRequest),
        );
        const result = completeStage(state, pipeline, stage, round, reply.output, nowIso());
        state = result.state;
        await runs.put(state);
        await context.emit("stage.completed", { stage: stage.id, round, durationMs: context.clock.now() - started, verdict: result.decision?.verdict ?? null });
        if (result.decision) {
          await context.emit("gate.verdict", {
            stage: stage.id,
            round,
            verdict: result.decision.verdict,
            passed: result.decision.passed,
            // A decision without goto is exhausted (state-machine.ts), so the last "fail" is never reached; it keeps `next` a string.
            next: result.decision.passed ? "continue" : result.decision.exhausted ? "fail" : (result.decision.goto ?? "fail"),
            summary: typeof reply.output.summary === "string" ? reply.output.summary : null,
            findings: feedbackFromGate(stage.id, round, reply.output).findings,
            decidedBy: "agent",
          });
        }
        if ((result.decision?.passed ?? true) && needsApproval(stage, state)) {
          state = startWaiting(state, stage, round, context.clock.now());
          await runs.put(state);
          state = await waitForHuman(context, state, stage);
        }
      } catch (error) {
        const message = (error as Error).message;
        if (isInfrastructureFailure(error) && context.attempt < orchestratorMaxDeliver) {
          // The orchestrator lost the bus for a moment (a node restarting, a leader election), the
          // stage did not fail. The run job goes back to the stream and resumes from the saved state;
          // the stage is asked again under the same job id, so a finished stage answers from its stored
          // result. On the last delivery the stage fails instead, so the run still ends with a reason.
          throw new BusError(`run ${state.runId} interrupted in stage ${stage.id} by a bus failure; it resumes on redelivery: ${message}`, { cause: error });
        }
        if (isBudgetExceeded(error) && state.status === "running") {
          // A budget stop is a clean end, not a crash: later stages are skipped, the postmortem still runs.
          state = { ...failStage(state, pipeline, stage, message, nowIso()), status: "failed", reason: `stopped at its budget: ${message}` };
          // The amount spent is summed from the run's own llm.call events, the same sum the postmortem
          // and `asp resume` use, so every reader shows one figure. Failing to read them must not turn a
          // clean budget stop into a crash: the event then goes without it and watchers show their own sum.
          const spentUsd = await context.deps.readRunEvents(state.runId).then(totalCost, () => undefined);
          await context.emit("run.budget_exceeded", { stage: stage.id, round, reason: message, budgetUsd: state.budgetUsd ?? null, ...(spentUsd === undefined ? {} : { spentUsd }) });
        } else {
          state = failStage(state, pipeline, stage, message, nowIso());
        }
        await runs.put(state);
        await context.emit("stage.failed", { stage: stage.id, round, error: message, durationMs: context.clock.now() - started });
      }
    }
    const finalState: RunState = { ...state, status: state.status === "running" ? "passed" : state.status, updatedAt: nowIso() };
    await runs.put(finalState);
    const summary = await summarise(context, finalState);
    await context.emit(finalState.status === "passed" ? "run.completed" : "run.failed", { ...summary });
    return summary;
  },
});
