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
 * (the code agent's manifest before its files). Stages run in order, so the run's critical path is
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
    const criticalMs = [...phases.values()].reduce((total, jobs) => total + Math.max(...jobs.values()), 0);
    const poolBoundMs = [...phases.entries()].reduce(
      (total, [phase, jobs]) => total + (phase === "files" ? longestFirstMakespan([...jobs.values()], writers) : Math.max(...jobs.values())),
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

/** Longest-first list scheduling of job durations on `workers` identical workers: when the last one ends. */
export function longestFirstMakespan(durations: number[], workers: number): number {
  const slots = Array.from({ length: Math.max(1, Math.min(workers, durations.length)) }, () => 0);
  for (const duration of [...durations].sort((a, b) => b - a)) {
    const earliest = slots.indexOf(Math.min(...slots));
    slots[earliest]! += duration;
  }
  return Math.max(0, ...slots);
}
