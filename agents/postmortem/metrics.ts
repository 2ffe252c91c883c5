import { costByAttempt } from "../shared/attempt-costs.ts";
import { findingKey } from "../shared/finding-identity.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { knownEvents, type EventData, type InvalidEventReporter, type KnownEvent } from "../../schemas/events/index.ts";
import type { CodeResult } from "../../schemas/file-job.ts";
import type { Plan } from "../../schemas/plan.ts";
import type { Defect, Postmortem, UsageTotals } from "../../schemas/postmortem.ts";
import type { Finding } from "../../schemas/review.ts";
import { addedAndModified, changeSizeOf } from "./change-size.ts";

const emptyTotals = (): UsageTotals => ({ calls: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0 });

function addCall(totals: UsageTotals, data: EventData<"llm.call">): void {
  totals.calls += 1;
  totals.inputTokens += data.inputTokens;
  totals.outputTokens += data.outputTokens;
  totals.cacheWriteTokens += data.cacheWriteTokens;
  totals.cacheReadTokens += data.cacheReadTokens;
  totals.costUsd += data.costUsd;
  // One call priced at the default (a model llm/pricing.ts does not know) makes the sum an estimate.
  if (data.estimated === true) totals.costEstimated = true;
}

export function totalTokens(totals: UsageTotals): number {
  return totals.inputTokens + totals.outputTokens + totals.cacheWriteTokens + totals.cacheReadTokens;
}

/** Stage job ids end in `-r<round>` and file jobs extend them, so the round of any call is in its job id. */
export function roundOfJob(jobId: string | undefined): number {
  const match = jobId?.match(/-r(\d+)(?:-|$)/);
  return match ? Number(match[1]) : 1;
}

const reviewAgents = /^(design-review|code-review|review-)/;
const removalPhases = ["design-review", "code-review", "compile", "test"] as const;

function injectionPhase(finding: Pick<Finding, "target">, removedIn: string): string {
  if (finding.target === "plan") return "planning";
  if (finding.target === "design") return "design";
  return removedIn === "design-review" ? "design" : "code";
}

/**
 * Every finding of every gate round is a defect, logged with where it was injected and removed. The same
 * finding raised in several rounds of a gate (by its id, or by what and where it is) is one defect, with
 * the rounds it was raised in: a defect fixed and raised again counts once, not once per round.
 */
export function defectLog(events: AspEvent[], onInvalid?: InvalidEventReporter): Defect[] {
  return defectsOf(knownEvents(events, onInvalid));
}

function defectsOf(events: KnownEvent[]): Defect[] {
  const defects: Defect[] = [];
  const byIdentity = new Map<string, Defect>();
  for (const event of events) {
    if (event.type !== "gate.verdict") continue;
    const { stage, round, findings } = event.data;
    for (const finding of findings) {
      if (finding.severity === "info") continue;
      const identity = `${stage}|${finding.id ?? findingKey(finding)}`;
      const known = byIdentity.get(identity);
      if (known) {
        if (!known.rounds!.includes(round)) known.rounds!.push(round);
        continue;
      }
      const defect: Defect = {
        id: `D${defects.length + 1}`,
        description: finding.description,
        severity: finding.severity,
        type: finding.defectType ?? "function",
        injectedIn: injectionPhase(finding, stage),
        // Compiler and linter findings come with the test stage's report but are removed in the PSP compile phase.
        removedIn: finding.category === "compile" ? "compile" : stage,
        ...(finding.file ? { file: finding.file } : {}),
        source: finding.reviewer ?? stage,
        ...(finding.id ? { findingId: finding.id } : {}),
        rounds: [round],
      };
      byIdentity.set(identity, defect);
      defects.push(defect);
    }
  }
  return defects;
}

/** PSP phase yield: of the defects present when a phase ran, the share it removed. */
export function phaseYields(defects: Defect[]): Record<string, number> {
  const order = ["planning", "design", "design-review", "code", "code-review", "compile", "test"];
  const yields: Record<string, number> = {};
  for (const phase of removalPhases) {
    const position = order.indexOf(phase);
    const present = defects.filter((defect) => order.indexOf(defect.injectedIn) < position && order.indexOf(defect.removedIn) >= position);
    const removed = present.filter((defect) => defect.removedIn === phase);
    yields[phase] = present.length === 0 ? 1 : removed.length / present.length;
  }
  const beforeTest = defects.filter((defect) => defect.removedIn !== "test").length;
  yields.process = defects.length === 0 ? 1 : beforeTest / defects.length;
  return yields;
}

export interface MetricsInput {
  runId: string;
  outcome: string;
  plan?: Plan;
  code?: CodeResult;
  events: AspEvent[];
  now: number;
  /** Told of each event that fails its catalogue schema; the figures leave it out. */
  onInvalid?: InvalidEventReporter;
}

/** Every figure of the postmortem, from the run's events alone; the proposal is added later. */
export function computeMetrics(input: MetricsInput): Omit<Postmortem, "proposal"> {
  const totals = emptyTotals();
  const costByAgent: Record<string, UsageTotals> = {};
  const costByFile: Record<string, UsageTotals> = {};
  let reviewUsd = 0;
  let failureUsd = 0;
  // Parsed once through the catalogue; an invalid event is reported here and left out of every figure below.
  const events = knownEvents(input.events, input.onInvalid);
  for (const event of events) {
    if (event.type !== "llm.call") continue;
    // Per agent process (the envelope's agent), not per call identity (data.agent, e.g. review-security:code).
    addCall(totals, event.data);
    addCall((costByAgent[event.agent] ??= emptyTotals()), event.data);
    if (event.data.file !== undefined) addCall((costByFile[event.data.file] ??= emptyTotals()), event.data);
    const cost = event.data.costUsd;
    if (reviewAgents.test(event.agent)) reviewUsd += cost;
    else if (roundOfJob(event.jobId) > 1) failureUsd += cost;
  }
  const timeByStageMs: Record<string, number> = {};
  const gateDecisions: Postmortem["gateDecisions"] = [];
  for (const event of events) {
    if (event.type === "stage.completed") {
      const { stage, durationMs } = event.data;
      timeByStageMs[stage] = (timeByStageMs[stage] ?? 0) + durationMs;
    }
    if (event.type === "gate.verdict") {
      const { stage, round, verdict, decidedBy } = event.data;
      gateDecisions.push({ stage, round, verdict, decidedBy });
    }
    if (event.type === "gate.decided") {
      const { stage, round, decision, note, decidedBy } = event.data;
      const verdict = decision === "approve" ? "APPROVED" : "REJECTED";
      gateDecisions.push({ stage, round, verdict: `${verdict}${note ? ` (${note})` : ""}`, decidedBy });
    }
  }
  const startedAt = events.find((event) => event.type === "run.started")?.time ?? input.events[0]?.time;
  const durationMs = startedAt ? Math.max(0, input.now - Date.parse(startedAt)) : 0;
  const defects = defectsOf(events);
  const changeSize = changeSizeOf(input.code);
  // A change request is measured on its new and changed lines, not on the repository it changes (PSP A&M).
  const lines = changeSize ? addedAndModified(changeSize) : (input.code?.files ?? []).reduce((sum, file) => sum + file.lines, 0);
  const actualFiles = changeSize ? changeSize.files.length : (input.code?.files.length ?? 0);
  const codeDefects = defects.filter((defect) => defect.injectedIn === "code").length;
  const probe = input.plan?.probe;
  return {
    runId: input.runId,
    outcome: input.outcome,
    totals,
    plannedVersusActual: {
      tokens: { planned: probe ? Math.round(probe.tokens.predicted) : null, actual: totalTokens(totals) },
      costUsd: { planned: probe ? probe.costUsd.predicted : null, actual: totals.costUsd },
      durationMs: { planned: probe ? Math.round(probe.durationMs.predicted) : null, actual: durationMs },
      files: { planned: input.code ? input.code.manifest.files.length : null, actual: actualFiles },
      lines: { planned: input.code ? input.code.manifest.files.reduce((sum, entry) => sum + entry.estimatedLines, 0) : null, actual: lines },
    },
    estimatedComplexity: input.plan?.totals.complexity ?? 0,
    defects,
    defectDensityPerKloc: lines === 0 ? 0 : codeDefects / (lines / 1000),
    phaseYield: phaseYields(defects),
    costOfQuality: {
      reviewUsd,
      failureUsd,
      reviewShare: totals.costUsd === 0 ? 0 : reviewUsd / totals.costUsd,
      failureShare: totals.costUsd === 0 ? 0 : failureUsd / totals.costUsd,
    },
    costByAgent,
    costByFile,
    timeByStageMs,
    gateDecisions,
    attempts: costByAttempt(events),
    ...(changeSize ? { changeSize } : {}),
  };
}
