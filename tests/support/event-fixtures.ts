import type { AspEvent } from "../../schemas/event.ts";
import type { CatalogueEventType, EventDataInput } from "../../schemas/events/index.ts";

const error = { name: "AspError", code: "internal_error", message: "boom", retryable: true };
const summary = { runId: "run-1", status: "passed" as const, stages: [], costUsd: 0, durationMs: 0, files: 0 };

/**
 * One valid `data` for every catalogue type: the mapped type makes a new catalogue entry without a
 * sample a compile error, and tests fill in only the fields they are about (`eventData`).
 */
export const sampleEventData: { [T in CatalogueEventType]: EventDataInput<T> } = {
  "job.started": { instance: "agent-1" },
  "job.completed": { durationMs: 10 },
  "job.failed": { stage: "handle", reason: "boom", error, final: false, retryInMs: 100 },
  "job.dead_letter": { stage: "handle", reason: "boom (failed on the last attempt)", error, attempts: 5 },
  "job.cancelled": { instance: "agent-1", started: true, durationMs: 5 },
  "llm.call": {
    agent: "planning",
    model: "claude-sonnet-4-5",
    purpose: "structured",
    attempt: 1,
    ok: true,
    stopReason: "end_turn",
    inputTokens: 0,
    outputTokens: 0,
    cacheWriteTokens: 0,
    cacheReadTokens: 0,
    costUsd: 0,
    latencyMs: 100,
    streaming: true,
  },
  "run.started": { task: { title: "Word counter", description: "Counts words" }, pipeline: "default", stages: ["planning"], budgetUsd: null },
  "run.resumed": { stageIndex: 0, status: "running", attempt: 1 },
  "run.attempt_started": { attempt: 2, from: "code", previousStatus: "failed", previousReason: null, budgetUsd: null, rounds: null, spentUsd: 0 },
  "run.budget_exceeded": { stage: "code", round: 1, reason: "budget", budgetUsd: 1 },
  "run.completed": summary,
  "run.failed": { ...summary, status: "failed" },
  "stage.started": { stage: "planning", agent: "planning", round: 1, resumed: false },
  "stage.completed": { stage: "planning", round: 1, durationMs: 100, verdict: null },
  "stage.failed": { stage: "planning", round: 1, error: "boom", durationMs: 100 },
  "stage.waiting": { stage: "lint", agent: "linter", round: 1, reason: "waiting for agent linter: none running" },
  "stage.agent_available": { stage: "lint", agent: "linter", round: 1, instances: 1 },
  "agent.restarting": { instance: "code-1", exitCode: null, signal: "SIGKILL", restart: 1, delayMs: 500, logFile: "/logs/code-3.log" },
  "agent.restarted": { instance: "code-2", previousInstance: "code-1", restart: 1 },
  "agent.gave_up": { instance: "code-6", exits: 6, reason: "code exited 6 times", exitCode: 1, signal: null, logFile: "/logs/code-3.log" },
  "gate.verdict": { stage: "design-review", round: 1, verdict: "PASS", passed: true, next: "continue", summary: null, findings: [], decidedBy: "agent" },
  "gate.waiting": { stage: "design-review", round: 1, since: "2025-01-01T10:00:00.000Z", deadline: "2025-01-01T11:00:00.000Z" },
  "gate.decided": { stage: "design-review", round: 1, decision: "approve", note: "", decidedBy: "cli" },
  "manifest.ready": { language: "python", files: [] },
  "manifest.rejected": { problems: ["the manifest has no test file"] },
  "code.waves": { round: 1, order: "waves", waves: [], fallback: false },
  "code.cycle": { round: 1, cycle: ["a.py", "b.py", "a.py"], reason: "a cycle" },
  "code.changes": { round: 1, base: 10, added: 1, modified: 0, deleted: 0 },
  "file.started": { path: "a.py", round: 1, writer: "file-writer-1" },
  "file.written": { path: "a.py", type: "source", bytes: 0, lines: 0, sha256: "0".repeat(64), round: 1, writer: "file-writer-1", artifact: "run-1/a.py", attempt: 1, continuations: 0 },
  "file.failed": { path: "a.py", round: 1, attempt: 1, error: "timeout" },
  "file.reused": { path: "a.py", round: 2, fromRound: 1, sha256: "0".repeat(64) },
  "plan.ready": { units: 1, complexity: 3, probe: null },
  "tests.finished": { verdict: "PASS", passed: 1, failed: 0, total: 1, runner: "pytest" },
  "review.reviewer_failed": { gate: "code-review", attempt: 1, reviewers: ["review-security"], reasons: ["review-security: timeout"] },
  "postmortem.proposal_failed": { error: "model refused" },
  progress: { step: "working" },
};

/** A valid `data` of this type, with the fields a test is about laid over the sample. */
export function eventData<T extends CatalogueEventType>(type: T, fields: Partial<EventDataInput<T>> = {}): EventDataInput<T> {
  return { ...sampleEventData[type], ...fields } as EventDataInput<T>;
}

let sequence = 0;

/** A stored event of a catalogue type, as replayEvents delivers it. */
export function catalogueEvent<T extends CatalogueEventType>(
  type: T,
  fields: Partial<EventDataInput<T>> = {},
  envelope: Partial<Omit<AspEvent, "type" | "data">> = {},
): AspEvent {
  return {
    id: `event-${++sequence}`,
    runId: "run-1",
    agent: "orchestrator",
    time: "2025-01-01T10:00:00.000Z",
    ...envelope,
    type,
    data: eventData(type, fields) as Record<string, unknown>,
  };
}

/** A full PROBE estimate whose predicted cost is the one a test is about. */
export function probeEstimate(predictedCostUsd: number) {
  const regression = (predicted: number) => ({ predicted, lower: predicted / 2, upper: predicted * 2, rSquared: 0.9, slope: 1, intercept: 0 });
  return { historyRuns: 3, tokens: regression(1000), costUsd: regression(predictedCostUsd), durationMs: regression(60_000), confidence: 0.7 };
}
