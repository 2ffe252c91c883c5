import type { AspEvent } from "../../schemas/event.ts";

export interface StageCriticalPath {
  stage: string;
  round: number;
  /** Orchestrator's stage.started → stage.completed. */
  durationMs: number;
  /** Model time this stage cannot avoid: sequential phases summed, parallel jobs maxed. */
  criticalMs: number;
  /** The same with the file phase scheduled longest-first on the fleet's writers instead of one writer per file. */
  poolBoundMs: number;
  calls: number;
}

/**
 * Within a stage, calls of one job run one after another (retries, re-asks, continuations: summed);
 * jobs of one phase run in parallel (reviewers, files: the longest counts); phases run in order
 * (the code agent's manifest before its files). Files go in the waves the code agent announced
 * (code.waves, decision 1101): a wave starts when the one before it is written, so the file phase is
 * the sum over waves of each wave's longest file. Stages run in order, so the run's critical path is
 * the sum over stages.
 */
export function criticalPath(events: AspEvent[], writers = Number.POSITIVE_INFINITY): { stages: StageCriticalPath[]; criticalMs: number; poolBoundMs: number } {
  const time = (event: AspEvent) => Date.parse(event.time);
  const calls = events.filter((event) => event.type === "llm.call");
  const stages: StageCriticalPath[] = [];
  for (const started of events.filter((event) => event.type === "stage.started")) {
    const stage = String(started.data.stage);
    const round = Number(started.data.round);
    const completed = events.find((event) => event.type === "stage.completed" && event.data.stage === stage && Number(event.data.round) === round);
    if (!completed) continue;
    const inside = calls.filter((call) => time(call) >= time(started) && time(call) <= time(completed));
    const phases = new Map<string, Map<string, number>>();
    for (const call of inside) {
      const agent = String(call.data.agent ?? call.agent);
      const phase = agent === "file-writer" ? "files" : agent.startsWith("review-") ? "reviewers" : agent;
      const jobs = phases.get(phase) ?? new Map<string, number>();
      const job = call.jobId ?? call.id;
      jobs.set(job, (jobs.get(job) ?? 0) + Number(call.data.latencyMs));
      phases.set(phase, jobs);
    }
    const waves = fileWaves(events, inside, started, completed, time);
    const criticalMs = [...phases.entries()].reduce(
      (total, [phase, jobs]) => total + (phase === "files" ? sumOverWaves(waves, (durations) => Math.max(0, ...durations)) : Math.max(...jobs.values())),
      0,
    );
    const poolBoundMs = [...phases.entries()].reduce(
      (total, [phase, jobs]) => total + (phase === "files" ? sumOverWaves(waves, (durations) => longestFirstMakespan(durations, writers)) : Math.max(...jobs.values())),
      0,
    );
    stages.push({ stage, round, durationMs: time(completed) - time(started), criticalMs, poolBoundMs, calls: inside.length });
  }
  return {
    stages,
    criticalMs: stages.reduce((total, stage) => total + stage.criticalMs, 0),
    poolBoundMs: stages.reduce((total, stage) => total + stage.poolBoundMs, 0),
  };
}

/**
 * The file-writer jobs' durations grouped by the wave of their file: the waves of the stage's
 * code.waves event, or one wave of every file job when there is none (all at once, older events).
 */
function fileWaves(events: AspEvent[], inside: AspEvent[], started: AspEvent, completed: AspEvent, time: (event: AspEvent) => number): number[][] {
  const jobs = new Map<string, { file: string; ms: number }>();
  for (const call of inside) {
    if (String(call.data.agent ?? call.agent) !== "file-writer") continue;
    const job = call.jobId ?? call.id;
    const entry = jobs.get(job) ?? { file: String(call.data.file ?? ""), ms: 0 };
    entry.ms += Number(call.data.latencyMs);
    jobs.set(job, entry);
  }
  const announced = events.filter((event) => event.type === "code.waves" && time(event) >= time(started) && time(event) <= time(completed));
  const waveOf = new Map<string, number>();
  let offset = 0;
  // A stage with several code.waves events (files asked for again) lays them out one after another.
  for (const event of announced) {
    const waves = event.data.waves as string[][];
    waves.forEach((paths, index) => paths.forEach((file) => waveOf.set(file, offset + index)));
    offset += waves.length;
  }
  const grouped: number[][] = [];
  for (const { file, ms } of jobs.values()) {
    const wave = waveOf.get(file) ?? 0;
    (grouped[wave] ??= []).push(ms);
  }
  return grouped.filter((durations) => durations !== undefined);
}

function sumOverWaves(waves: number[][], cost: (durations: number[]) => number): number {
  return waves.reduce((total, durations) => total + cost(durations), 0);
}

/** Longest-first list scheduling of job durations on `workers` identical workers: when the last one ends. */
export function longestFirstMakespan(durations: number[], workers: number): number {
  const slots = Array.from({ length: Math.max(1, Math.min(workers, durations.length)) }, () => 0);
  for (const duration of [...durations].sort((a, b) => b - a)) {
    const earliest = slots.indexOf(Math.min(...slots));
    slots[earliest]! += duration;
  }
  return Math.max(0, ...slots);
}
