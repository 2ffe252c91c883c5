import type { NatsConnection } from "nats";
import { readStoredEvents } from "../../bus/events.ts";
import type { Subjects } from "../../bus/subjects.ts";
import { createRunStore } from "../../agents/shared/run-store.ts";
import { createHistoryStore } from "../../agents/shared/history-store.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { parseEventData, type InvalidEventReporter } from "../../schemas/events/index.ts";
import { postmortemSchema, type HistoryRecord, type Postmortem } from "../../schemas/postmortem.ts";
import type { RunState } from "../../schemas/run.ts";
import { buildWatchState, type RunView } from "./run-view.ts";

/** Everything known about one run, joined from the runs KV, the history KV and the events stream. */
export interface RunHistoryEntry {
  runId: string;
  title?: string;
  status: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  costUsd: number;
  tokens: number;
  files: number;
  verdicts: Array<{ stage: string; round: number; verdict: string }>;
  reason?: string;
  view?: RunView;
  state?: RunState;
  history?: HistoryRecord;
  postmortem?: Postmortem;
  /** PROBE's predicted cost when the plan had one (from plan.ready), for runs without a postmortem. */
  probeCostUsd?: number;
}

export async function loadRunHistory(connection: NatsConnection, subjects: Subjects, options: { runId?: string; onInvalid?: InvalidEventReporter } = {}): Promise<RunHistoryEntry[]> {
  const [states, records, events] = await Promise.all([
    createRunStore(connection, subjects).list(),
    createHistoryStore(connection, subjects).list(),
    readStoredEvents(connection, subjects, options.runId, options.onInvalid),
  ]);
  return joinRunHistory(states, records, events, options.onInvalid).filter((entry) => !options.runId || entry.runId === options.runId);
}

/** Pure: the join itself, so it is tested without a bus. Events that fail their catalogue schema go to onInvalid and are skipped. */
export function joinRunHistory(states: RunState[], records: HistoryRecord[], events: AspEvent[], onInvalid?: InvalidEventReporter): RunHistoryEntry[] {
  const views = buildWatchState(events, onInvalid).runs;
  const probes = new Map<string, number>();
  for (const event of events) {
    if (event.type !== "plan.ready") continue;
    // Reported once already, by the fold above: an invalid plan.ready is only left out here.
    const parsed = parseEventData(event, "plan.ready");
    if (parsed.success && parsed.data.probe) probes.set(event.runId, parsed.data.probe.costUsd.predicted);
  }
  const statesById = new Map(states.map((state) => [state.runId, state]));
  const recordsById = new Map(records.map((record) => [record.runId, record]));
  const ids = new Set([...statesById.keys(), ...recordsById.keys(), ...Object.keys(views)]);
  const entries = [...ids].map((runId): RunHistoryEntry => {
    const state = statesById.get(runId);
    const history = recordsById.get(runId);
    const view = views[runId];
    const parsedPostmortem = postmortemSchema.safeParse(state?.outputs.postmortem);
    const postmortem = parsedPostmortem.success ? parsedPostmortem.data : undefined;
    const writtenPaths = new Set(view?.files.filter((file) => file.status === "written").map((file) => file.path));
    const tokens = view ? view.tokens.input + view.tokens.output + view.tokens.cacheWrite + view.tokens.cacheRead : (history?.actualTokens ?? 0);
    const finishedAt = history?.finishedAt ?? (view && view.status !== "running" && view.status !== "waiting" ? view.updatedAt : undefined);
    const startedAt = state?.startedAt ?? view?.startedAt ?? history?.finishedAt ?? "";
    return {
      runId,
      title: state?.task.title ?? view?.title,
      status: view && view.status !== "running" ? view.status : (state?.status ?? history?.outcome ?? view?.status ?? "unknown"),
      startedAt,
      ...(finishedAt ? { finishedAt } : {}),
      durationMs: history?.actualDurationMs ?? view?.durationMs ?? (finishedAt && startedAt ? Date.parse(finishedAt) - Date.parse(startedAt) : undefined),
      costUsd: history?.actualCostUsd ?? view?.costUsd ?? 0,
      tokens,
      files: writtenPaths.size || history?.files || 0,
      verdicts: view?.gates.map((gate) => ({ stage: gate.stage, round: gate.round, verdict: gate.verdict })) ?? state?.history.filter((entry) => entry.verdict).map((entry) => ({ stage: entry.stage, round: entry.round, verdict: entry.verdict! })) ?? [],
      reason: view?.reason ?? state?.reason,
      view,
      state,
      history,
      postmortem,
      ...(probes.has(runId) ? { probeCostUsd: probes.get(runId) } : {}),
    };
  });
  return entries.sort((left, right) => left.startedAt.localeCompare(right.startedAt) || left.runId.localeCompare(right.runId));
}

export interface RunTrendPoint {
  runId: string;
  startedAt: string;
  status: string;
  costUsd: number;
  durationMs?: number;
  defectDensityPerKloc?: number;
  yield?: number;
  /** |actual − planned| / planned for cost, where PROBE gave a plan. */
  costEstimateError?: number;
  tokensEstimateError?: number;
  durationEstimateError?: number;
}

export interface PspTrends {
  runs: number;
  finished: number;
  passRate: number;
  points: RunTrendPoint[];
  averages: { costUsd: number; defectDensityPerKloc?: number; yield?: number; costEstimateError?: number; tokensEstimateError?: number; durationEstimateError?: number };
  /** Second half of the runs against the first half: negative means falling. */
  change: { costUsd?: number; defectDensityPerKloc?: number; costEstimateError?: number };
}

const relativeError = (planned: number | null | undefined, actual: number): number | undefined =>
  planned === null || planned === undefined || planned <= 0 ? undefined : Math.abs(actual - planned) / planned;

function average(values: Array<number | undefined>): number | undefined {
  const present = values.filter((value): value is number => value !== undefined && Number.isFinite(value));
  return present.length === 0 ? undefined : present.reduce((sum, value) => sum + value, 0) / present.length;
}

function halfChange(points: RunTrendPoint[], pick: (point: RunTrendPoint) => number | undefined): number | undefined {
  const values = points.map(pick).filter((value): value is number => value !== undefined);
  if (values.length < 2) return undefined;
  const middle = Math.floor(values.length / 2);
  return average(values.slice(middle))! - average(values.slice(0, middle))!;
}

/** PSP trends over finished runs: estimating accuracy, defect density, yield and cost per run. */
export function computeTrends(entries: RunHistoryEntry[]): PspTrends {
  const finished = entries.filter((entry) => entry.status === "passed" || entry.status === "failed" || entry.status === "error");
  const points = finished.map((entry): RunTrendPoint => {
    const planned = entry.postmortem?.plannedVersusActual;
    return {
      runId: entry.runId,
      startedAt: entry.startedAt,
      status: entry.status,
      costUsd: entry.costUsd,
      ...(entry.durationMs !== undefined ? { durationMs: entry.durationMs } : {}),
      defectDensityPerKloc: entry.history?.defectDensityPerKloc ?? entry.postmortem?.defectDensityPerKloc,
      yield: entry.history?.yield ?? entry.postmortem?.phaseYield.process,
      costEstimateError: planned ? relativeError(planned.costUsd.planned, planned.costUsd.actual) : relativeError(entry.probeCostUsd, entry.costUsd),
      tokensEstimateError: planned ? relativeError(planned.tokens.planned, planned.tokens.actual) : undefined,
      durationEstimateError: planned ? relativeError(planned.durationMs.planned, planned.durationMs.actual) : undefined,
    };
  });
  return {
    runs: entries.length,
    finished: finished.length,
    passRate: finished.length === 0 ? 0 : finished.filter((entry) => entry.status === "passed").length / finished.length,
    points,
    averages: {
      costUsd: average(points.map((point) => point.costUsd)) ?? 0,
      defectDensityPerKloc: average(points.map((point) => point.defectDensityPerKloc)),
      yield: average(points.map((point) => point.yield)),
      costEstimateError: average(points.map((point) => point.costEstimateError)),
      tokensEstimateError: average(points.map((point) => point.tokensEstimateError)),
      durationEstimateError: average(points.map((point) => point.durationEstimateError)),
    },
    change: {
      costUsd: halfChange(points, (point) => point.costUsd),
      defectDensityPerKloc: halfChange(points, (point) => point.defectDensityPerKloc),
      costEstimateError: halfChange(points, (point) => point.costEstimateError),
    },
  };
}
