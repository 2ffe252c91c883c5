import type { AspEvent } from "../../schemas/event.ts";

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
  };
}

const numberOf = (value: unknown, fallback = 0): number => (typeof value === "number" && Number.isFinite(value) ? value : fallback);
const optionalNumber = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
const textOf = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);

/** A gate's findings as the gate.verdict event carries them; anything without a description is dropped. */
function findingsOf(value: unknown): GateFindingView[] {
  if (!Array.isArray(value)) return [];
  return (value as Array<Record<string, unknown>>).flatMap((finding) => {
    const description = textOf(finding?.description);
    if (!description) return [];
    const line = optionalNumber(finding.line);
    return [{ reviewer: textOf(finding.reviewer), severity: textOf(finding.severity) ?? "?", id: textOf(finding.id), description, file: textOf(finding.file), ...(line === undefined ? {} : { line }) }];
  });
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

/** Folds one event into the run it belongs to. Unknown event types only count. */
export function applyRunEvent(previous: RunView | undefined, event: AspEvent): RunView {
  const base = previous ?? newRun(event);
  const data = event.data as Record<string, unknown>;
  const run: RunView = { ...base, updatedAt: event.time > base.updatedAt ? event.time : base.updatedAt, events: base.events + 1 };
  const stage = textOf(data.stage) ?? "";
  const round = numberOf(data.round, 1);
  switch (event.type) {
    case "run.started": {
      const task = data.task as { title?: unknown } | undefined;
      return {
        ...run,
        startedAt: event.time,
        title: textOf(task?.title),
        pipeline: textOf(data.pipeline),
        plannedStages: Array.isArray(data.stages) ? data.stages.filter((entry): entry is string => typeof entry === "string") : run.plannedStages,
      };
    }
    case "stage.started":
      return {
        ...run,
        status: "running",
        waiting: undefined,
        stages: updateStage(run, stage, round, (current) => ({ ...current, stage, round, agent: textOf(data.agent), status: "running", startedAt: current?.startedAt ?? event.time })),
      };
    case "stage.completed":
      return {
        ...run,
        stages: updateStage(run, stage, round, (current) => ({
          ...current,
          stage,
          round,
          status: "completed",
          startedAt: current?.startedAt ?? event.time,
          finishedAt: event.time,
          durationMs: numberOf(data.durationMs),
          ...(textOf(data.verdict) ? { verdict: textOf(data.verdict) } : {}),
        })),
      };
    case "stage.failed":
      return {
        ...run,
        stages: updateStage(run, stage, round, (current) => ({
          ...current,
          stage,
          round,
          status: "failed",
          startedAt: current?.startedAt ?? event.time,
          finishedAt: event.time,
          durationMs: numberOf(data.durationMs),
          error: textOf(data.error),
        })),
      };
    case "gate.verdict":
      return {
        ...run,
        gates: [...run.gates, { stage, round, verdict: textOf(data.verdict) ?? "?", passed: data.passed === true, next: textOf(data.next), decidedBy: textOf(data.decidedBy) ?? "agent", findings: findingsOf(data.findings) }],
      };
    case "gate.waiting":
      return {
        ...run,
        status: "waiting",
        waiting: { stage, round, since: event.time },
        stages: updateStage(run, stage, round, (current) => ({ ...current, stage, round, status: "waiting", startedAt: current?.startedAt ?? event.time })),
      };
    case "gate.decided":
      return {
        ...run,
        status: run.status === "waiting" ? "running" : run.status,
        waiting: undefined,
        decisions: [...run.decisions, { stage, decision: textOf(data.decision) ?? "?", note: textOf(data.note), decidedBy: textOf(data.decidedBy), time: event.time }],
      };
    case "run.budget_exceeded":
      // The orchestrator's event names its amounts budgetUsd and spentUsd. Events stored before it
      // carried spentUsd have none: leave it undefined so the screen shows the summed cost, not NaN.
      return { ...run, budgetExceeded: { limitUsd: optionalNumber(data.budgetUsd), spentUsd: optionalNumber(data.spentUsd), time: event.time } };
    case "manifest.ready": {
      let files = run.files;
      const entries = Array.isArray(data.files) ? (data.files as Array<{ path?: unknown; estimatedLines?: unknown }>) : [];
      const manifestRound = stageRoundOf(run, "code");
      for (const entry of entries) {
        const path = textOf(entry.path);
        if (!path) continue;
        files = updateFile({ ...run, files }, path, manifestRound, (current) => ({ ...current, estimatedLines: numberOf(entry.estimatedLines, NaN) || undefined }));
      }
      return { ...run, files };
    }
    case "file.reused": {
      // The code agent kept this file from an earlier round: it shows that round's size, not "queued 0 B".
      const fromRound = numberOf(data.fromRound, round - 1);
      const earlier = run.files.find((file) => file.path === textOf(data.path) && file.round === fromRound);
      return {
        ...run,
        files: updateFile(run, textOf(data.path) ?? "?", round, (current) => ({ ...current, status: "reused", fromRound, bytes: earlier?.bytes ?? current.bytes, progress: 1, error: undefined })),
      };
    }
    case "file.started":
      return {
        ...run,
        files: updateFile(run, textOf(data.path) ?? "?", round, (current) => ({ ...current, status: "writing", writer: textOf(data.writer) ?? event.instance, progress: Math.max(current.progress, 0.5), error: undefined })),
      };
    case "progress":
      if (!textOf(data.path)) return run;
      return {
        ...run,
        files: updateFile(run, textOf(data.path)!, round, (current) => ({ ...current, progress: Math.min(0.99, Math.max(current.progress, numberOf(data.fraction, current.progress))) })),
      };
    case "file.written":
      return {
        ...run,
        files: updateFile(run, textOf(data.path) ?? "?", round, (current) => ({
          ...current,
          status: "written",
          writer: textOf(data.writer) ?? current.writer,
          bytes: numberOf(data.bytes),
          attempt: numberOf(data.attempt, 1),
          progress: 1,
          error: undefined,
        })),
      };
    case "file.failed":
      return {
        ...run,
        files: updateFile(run, textOf(data.path) ?? "?", round, (current) => ({ ...current, status: "failed", attempt: numberOf(data.attempt, 1), error: textOf(data.error), progress: 0 })),
      };
    case "llm.call":
      return {
        ...run,
        llmCalls: run.llmCalls + 1,
        costUsd: run.costUsd + numberOf(data.costUsd),
        tokens: {
          input: run.tokens.input + numberOf(data.inputTokens),
          output: run.tokens.output + numberOf(data.outputTokens),
          cacheWrite: run.tokens.cacheWrite + numberOf(data.cacheWriteTokens),
          cacheRead: run.tokens.cacheRead + numberOf(data.cacheReadTokens),
        },
      };
    case "tests.finished":
      return { ...run, tests: { passed: numberOf(data.passed), failed: numberOf(data.failed), runner: textOf(data.runner) } };
    case "job.dead_letter":
      return { ...run, deadLetters: run.deadLetters + 1 };
    case "run.completed":
    case "run.failed": {
      const status = textOf(data.status) as RunStatus | undefined;
      return {
        ...run,
        status: status ?? (event.type === "run.completed" ? "passed" : "failed"),
        waiting: undefined,
        reason: textOf(data.reason),
        durationMs: numberOf(data.durationMs, NaN) || undefined,
      };
    }
    default:
      return run;
  }
}

/** The code stage's current round: the manifest event carries no round of its own. */
function stageRoundOf(run: RunView, stage: string): number {
  const rounds = run.stages.filter((entry) => entry.stage === stage).map((entry) => entry.round);
  return rounds.length > 0 ? Math.max(...rounds) : 1;
}

export function applyEvent(state: WatchState, event: AspEvent): WatchState {
  const known = state.runs[event.runId];
  return {
    runs: { ...state.runs, [event.runId]: applyRunEvent(known, event) },
    order: known ? state.order : [...state.order, event.runId],
  };
}

export function buildWatchState(events: Iterable<AspEvent>): WatchState {
  let state = emptyWatchState();
  for (const event of events) state = applyEvent(state, event);
  return state;
}

export function isFinished(run: RunView): boolean {
  return run.status === "passed" || run.status === "failed" || run.status === "error";
}
