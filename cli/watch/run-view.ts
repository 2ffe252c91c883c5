import type { AspEvent } from "../../schemas/event.ts";
import { readEvent, type InvalidEventReporter } from "../../schemas/events/index.ts";

/**
 * The view model of `asp watch` and the dashboard: a pure fold of a run's events into what a
 * person wants to see. No clock, no I/O: the same events always give the same view, so a watcher
 * that joins late and replays from the first event shows exactly what an early one shows.
 */
export type RunStatus = "running" | "waiting" | "passed" | "failed" | "error";

export interface StageView {
  stage: string;
  round: number;
  agent?: string;
  status: "running" | "completed" | "failed" | "waiting";
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  verdict?: string;
  error?: string;
  /** Set while the stage's agent has no live instance: "waiting for agent X: none running". */
  waitingForAgent?: string;
}

export interface FileView {
  path: string;
  round: number;
  /** "reused": carried over unchanged from `fromRound`, so no writer touched it in this round. */
  status: "queued" | "writing" | "written" | "reused" | "failed";
  fromRound?: number;
  writer?: string;
  bytes?: number;
  estimatedLines?: number;
  attempt?: number;
  error?: string;
  /** 0..1; a file being written without progress events sits at one half. */
  progress: number;
}

export interface GateFindingView {
  reviewer?: string;
  severity: string;
  id?: string;
  description: string;
  file?: string;
  line?: number;
}

export interface GateVerdictView {
  stage: string;
  round: number;
  verdict: string;
  passed: boolean;
  next?: string;
  decidedBy: string;
  findings: GateFindingView[];
}

export interface GateDecisionView {
  stage: string;
  decision: string;
  note?: string;
  decidedBy?: string;
  time: string;
}

export interface TokenTotals {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export interface RunView {
  runId: string;
  title?: string;
  pipeline?: string;
  plannedStages: string[];
  status: RunStatus;
  startedAt: string;
  updatedAt: string;
  stages: StageView[];
  files: FileView[];
  tokens: TokenTotals;
  costUsd: number;
  llmCalls: number;
  gates: GateVerdictView[];
  decisions: GateDecisionView[];
  /** Set while a human gate waits for approve/reject. */
  waiting?: { stage: string; round: number; since: string };
  budgetExceeded?: { limitUsd?: number; spentUsd?: number; time: string };
  tests?: { passed: number; failed: number; runner?: string };
  reason?: string;
  durationMs?: number;
  deadLetters: number;
  events: number;
  /** Events that failed their catalogue schema: counted and skipped, so one bad stored event does not stop the view. */
  invalidEvents: number;
}

export interface WatchState {
  runs: Record<string, RunView>;
  /** Run ids in the order their first event arrived. */
  order: string[];
}

export function emptyWatchState(): WatchState {
  return { runs: {}, order: [] };
}

function newRun(event: AspEvent): RunView {
  return {
    runId: event.runId,
    plannedStages: [],
    status: "running",
    startedAt: event.time,
    updatedAt: event.time,
    stages: [],
    files: [],
    tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
    costUsd: 0,
    llmCalls: 0,
    gates: [],
    decisions: [],
    deadLetters: 0,
    events: 0,
    invalidEvents: 0,
  };
}

function updateStage(run: RunView, stage: string, round: number, change: (current: StageView | undefined) => StageView): StageView[] {
  const index = run.stages.findIndex((entry) => entry.stage === stage && entry.round === round);
  const next = change(index >= 0 ? run.stages[index] : undefined);
  return index >= 0 ? run.stages.map((entry, position) => (position === index ? next : entry)) : [...run.stages, next];
}

/** A file is keyed by path and round: a regenerated file in round 2 is a new bar, round 1 stays visible. */
function updateFile(run: RunView, path: string, round: number, change: (current: FileView) => FileView): FileView[] {
  const index = run.files.findIndex((entry) => entry.path === path && entry.round === round);
  const current = index >= 0 ? run.files[index]! : { path, round, status: "queued" as const, progress: 0 };
  const next = change(current);
  return index >= 0 ? run.files.map((entry, position) => (position === index ? next : entry)) : [...run.files, next];
}

/**
 * Folds one event into the run it belongs to. The event is read through the catalogue
 * (schemas/events/), so every field below is the one its emitter wrote. An event that fails its
 * type's schema is counted in `invalidEvents` and passed to `onInvalid`, never folded in; plug-in
 * (`x.`) events only count.
 */
export function applyRunEvent(previous: RunView | undefined, event: AspEvent, onInvalid?: InvalidEventReporter): RunView {
  const base = previous ?? newRun(event);
  const run: RunView = { ...base, updatedAt: event.time > base.updatedAt ? event.time : base.updatedAt, events: base.events + 1 };
  const read = readEvent(event);
  if (read.kind === "invalid") {
    onInvalid?.(read.error, event);
    return { ...run, invalidEvents: run.invalidEvents + 1 };
  }
  if (read.kind === "extension") return run;
  const known = read.event;
  switch (known.type) {
    case "run.started":
      return { ...run, startedAt: event.time, title: known.data.task.title, pipeline: known.data.pipeline, plannedStages: known.data.stages };
    case "stage.started": {
      const { stage, round, agent } = known.data;
      return {
        ...run,
        status: "running",
        waiting: undefined,
        stages: updateStage(run, stage, round, (current) => ({ ...current, stage, round, agent, status: "running", startedAt: current?.startedAt ?? event.time })),
      };
    }
    case "stage.completed": {
      const { stage, round, durationMs, verdict } = known.data;
      return {
        ...run,
        stages: updateStage(run, stage, round, (current) => ({
          ...current,
          waitingForAgent: undefined,
          stage,
          round,
          status: "completed",
          startedAt: current?.startedAt ?? event.time,
          finishedAt: event.time,
          durationMs,
          ...(verdict ? { verdict } : {}),
        })),
      };
    }
    case "stage.waiting": {
      const { stage, round, reason } = known.data;
      return { ...run, stages: updateStage(run, stage, round, (current) => ({ ...current, stage, round, status: current?.status ?? "running", startedAt: current?.startedAt ?? event.time, waitingForAgent: reason })) };
    }
    case "stage.agent_available": {
      const { stage, round } = known.data;
      return { ...run, stages: updateStage(run, stage, round, (current) => ({ ...current, stage, round, status: current?.status ?? "running", startedAt: current?.startedAt ?? event.time, waitingForAgent: undefined })) };
    }
    case "stage.failed": {
      const { stage, round, durationMs, error } = known.data;
      return {
        ...run,
        stages: updateStage(run, stage, round, (current) => ({ ...current, stage, round, status: "failed", startedAt: current?.startedAt ?? event.time, finishedAt: event.time, durationMs, error })),
      };
    }
    case "gate.verdict": {
      const { stage, round, verdict, passed, next, decidedBy, findings } = known.data;
      // A finding without a description (possible from empty build output) has nothing to show.
      const views = findings.filter((finding) => finding.description !== "").map((finding): GateFindingView => ({
        reviewer: finding.reviewer,
        severity: finding.severity,
        id: finding.id,
        description: finding.description,
        file: finding.file,
        ...(finding.line === undefined ? {} : { line: finding.line }),
      }));
      return { ...run, gates: [...run.gates, { stage, round, verdict, passed, next, decidedBy, findings: views }] };
    }
    case "gate.waiting": {
      const { stage, round } = known.data;
      return {
        ...run,
        status: "waiting",
        waiting: { stage, round, since: event.time },
        stages: updateStage(run, stage, round, (current) => ({ ...current, stage, round, status: "waiting", startedAt: current?.startedAt ?? event.time })),
      };
    }
    case "gate.decided": {
      const { stage, decision, note, decidedBy } = known.data;
      return {
        ...run,
        status: run.status === "waiting" ? "running" : run.status,
        waiting: undefined,
        decisions: [...run.decisions, { stage, decision, note: note || undefined, decidedBy, time: event.time }],
      };
    }
    case "run.budget_exceeded":
      // spentUsd is absent from events stored before the orchestrator summed it: the screen then shows the view's own sum.
      return { ...run, budgetExceeded: { limitUsd: known.data.budgetUsd ?? undefined, spentUsd: known.data.spentUsd, time: event.time } };
    case "manifest.ready": {
      let files = run.files;
      const manifestRound = stageRoundOf(run, "code");
      for (const entry of known.data.files) {
        // 0 declares an empty file: no estimate to show.
        files = updateFile({ ...run, files }, entry.path, manifestRound, (current) => ({ ...current, estimatedLines: entry.estimatedLines || undefined }));
      }
      return { ...run, files };
    }
    case "file.reused": {
      // The code agent kept this file from an earlier round: it shows that round's size, not "queued 0 B".
      const { path, round, fromRound } = known.data;
      const earlier = run.files.find((file) => file.path === path && file.round === fromRound);
      return {
        ...run,
        files: updateFile(run, path, round, (current) => ({ ...current, status: "reused", fromRound, bytes: earlier?.bytes ?? current.bytes, progress: 1, error: undefined })),
      };
    }
    case "file.started": {
      const { path, round, writer } = known.data;
      return {
        ...run,
        files: updateFile(run, path, round, (current) => ({ ...current, status: "writing", writer: writer || event.instance, progress: Math.max(current.progress, 0.5), error: undefined })),
      };
    }
    case "progress": {
      const { path, round, fraction } = known.data;
      if (!path) return run;
      return {
        ...run,
        files: updateFile(run, path, round ?? 1, (current) => ({ ...current, progress: Math.min(0.99, Math.max(current.progress, fraction ?? current.progress)) })),
      };
    }
    case "file.written": {
      const { path, round, writer, bytes, attempt } = known.data;
      return {
        ...run,
        files: updateFile(run, path, round, (current) => ({ ...current, status: "written", writer: writer || current.writer, bytes, attempt, progress: 1, error: undefined })),
      };
    }
    case "file.failed": {
      const { path, round, attempt, error } = known.data;
      return { ...run, files: updateFile(run, path, round, (current) => ({ ...current, status: "failed", attempt, error, progress: 0 })) };
    }
    case "llm.call": {
      const call = known.data;
      return {
        ...run,
        llmCalls: run.llmCalls + 1,
        costUsd: run.costUsd + call.costUsd,
        tokens: {
          input: run.tokens.input + call.inputTokens,
          output: run.tokens.output + call.outputTokens,
          cacheWrite: run.tokens.cacheWrite + call.cacheWriteTokens,
          cacheRead: run.tokens.cacheRead + call.cacheReadTokens,
        },
      };
    }
    case "tests.finished":
      return { ...run, tests: { passed: known.data.passed, failed: known.data.failed, runner: known.data.runner } };
    case "job.dead_letter":
      return { ...run, deadLetters: run.deadLetters + 1 };
    case "run.completed":
    case "run.failed":
      return { ...run, status: known.data.status, waiting: undefined, reason: known.data.reason, durationMs: known.data.durationMs || undefined };
    default:
      return run;
  }
}

/** The code stage's current round: the manifest event carries no round of its own. */
function stageRoundOf(run: RunView, stage: string): number {
  const rounds = run.stages.filter((entry) => entry.stage === stage).map((entry) => entry.round);
  return rounds.length > 0 ? Math.max(...rounds) : 1;
}

export function applyEvent(state: WatchState, event: AspEvent, onInvalid?: InvalidEventReporter): WatchState {
  const known = state.runs[event.runId];
  return {
    runs: { ...state.runs, [event.runId]: applyRunEvent(known, event, onInvalid) },
    order: known ? state.order : [...state.order, event.runId],
  };
}

export function buildWatchState(events: Iterable<AspEvent>, onInvalid?: InvalidEventReporter): WatchState {
  let state = emptyWatchState();
  for (const event of events) state = applyEvent(state, event, onInvalid);
  return state;
}

export function isFinished(run: RunView): boolean {
  return run.status === "passed" || run.status === "failed" || run.status === "error";
}
