import { createEventPublisher, type EventInput } from "../../../bus/events.ts";
import type { TestBus } from "../../support/nats.ts";

/**
 * Realistic events of one run, in the order and with the data the orchestrator, the code agent,
 * the writers and the model layer publish them. Times advance one second per event.
 */
export function sampleRunEvents(runId: string, options: { startMs?: number; writers?: string[] } = {}) {
  const writers = options.writers ?? ["file-writer-aaaa1111", "file-writer-bbbb2222"];
  const start = options.startMs ?? Date.parse("2025-01-01T10:00:00.000Z");
  const stages = ["planning", "design", "design-review", "code", "code-review", "test", "postmortem"];
  const llmCall = (agent: string, costUsd: number, file?: string) => ({
    agent: "orchestrated",
    type: "llm.call" as const,
    data: { agent, model: "claude-sonnet-4-5", purpose: file ? ("text" as const) : ("structured" as const), attempt: 1, ok: true, stopReason: "end_turn", inputTokens: 1000, outputTokens: 200, cacheWriteTokens: 0, cacheReadTokens: 500, costUsd, latencyMs: 900, streaming: true, ...(file ? { file } : {}) },
  });
  const early: Array<Omit<EventInput, "runId" | "time">> = [
    { agent: "orchestrator", type: "run.started", data: { task: { title: "Word counter CLI", description: "Counts the words of a file" }, pipeline: "default", stages, budgetUsd: null } },
    { agent: "orchestrator", type: "stage.started", data: { stage: "planning", agent: "planning", round: 1, resumed: false } },
    { ...llmCall("planning", 0.01), agent: "planning" },
    { agent: "planning", type: "plan.ready", data: { units: 3, complexity: 12, probe: null } },
    { agent: "orchestrator", type: "stage.completed", data: { stage: "planning", round: 1, durationMs: 2100, verdict: null } },
    { agent: "orchestrator", type: "stage.started", data: { stage: "design", agent: "design", round: 1, resumed: false } },
    { ...llmCall("design", 0.02), agent: "design" },
    { agent: "orchestrator", type: "stage.completed", data: { stage: "design", round: 1, durationMs: 3200, verdict: null } },
    { agent: "orchestrator", type: "stage.started", data: { stage: "design-review", agent: "design-review", round: 1, resumed: false } },
    { agent: "orchestrator", type: "stage.completed", data: { stage: "design-review", round: 1, durationMs: 1500, verdict: "PASS" } },
    { agent: "orchestrator", type: "gate.verdict", data: { stage: "design-review", round: 1, verdict: "PASS", passed: true, next: "continue", summary: "fine", findings: [], decidedBy: "agent" } },
  ];
  const coding: Array<Omit<EventInput, "runId" | "time">> = [
    { agent: "orchestrator", type: "stage.started", data: { stage: "code", agent: "code", round: 1, resumed: false } },
    { agent: "code", type: "manifest.ready", data: { language: "python", files: [{ path: "wordcount.py", action: "create", type: "source", estimatedLines: 40, dependsOn: [] }, { path: "test_wordcount.py", action: "create", type: "test", estimatedLines: 30, dependsOn: ["wordcount.py"] }] } },
    { agent: "file-writer", type: "file.started", instance: writers[0], data: { path: "wordcount.py", round: 1, writer: writers[0] } },
    { agent: "file-writer", type: "file.started", instance: writers[1 % writers.length], data: { path: "test_wordcount.py", round: 1, writer: writers[1 % writers.length] } },
    { ...llmCall("file-writer", 0.005, "wordcount.py"), agent: "file-writer" },
    { agent: "code", type: "file.written", data: { path: "wordcount.py", type: "source", bytes: 812, lines: 38, sha256: "0".repeat(64), round: 1, writer: writers[0], artifact: "a", attempt: 1, continuations: 0 } },
  ];
  const finishing: Array<Omit<EventInput, "runId" | "time">> = [
    { ...llmCall("file-writer", 0.004, "test_wordcount.py"), agent: "file-writer" },
    { agent: "code", type: "file.written", data: { path: "test_wordcount.py", type: "test", bytes: 640, lines: 29, sha256: "1".repeat(64), round: 1, writer: writers[1 % writers.length], artifact: "b", attempt: 1, continuations: 0 } },
    { agent: "orchestrator", type: "stage.completed", data: { stage: "code", round: 1, durationMs: 4000, verdict: null } },
    { agent: "orchestrator", type: "stage.started", data: { stage: "code-review", agent: "code-review", round: 1, resumed: false } },
    { agent: "orchestrator", type: "stage.completed", data: { stage: "code-review", round: 1, durationMs: 1800, verdict: "PASS" } },
    { agent: "orchestrator", type: "gate.verdict", data: { stage: "code-review", round: 1, verdict: "PASS", passed: true, next: "continue", summary: "ok", findings: [], decidedBy: "agent" } },
    { agent: "orchestrator", type: "stage.started", data: { stage: "test", agent: "test", round: 1, resumed: false } },
    { agent: "test", type: "tests.finished", data: { verdict: "PASS", passed: 4, failed: 0, total: 4, runner: "pytest" } },
    { agent: "orchestrator", type: "stage.completed", data: { stage: "test", round: 1, durationMs: 2500, verdict: "PASS" } },
    { agent: "orchestrator", type: "gate.verdict", data: { stage: "test", round: 1, verdict: "PASS", passed: true, next: "continue", summary: null, findings: [], decidedBy: "agent" } },
    { agent: "orchestrator", type: "stage.started", data: { stage: "postmortem", agent: "postmortem", round: 1, resumed: false } },
    { agent: "orchestrator", type: "stage.completed", data: { stage: "postmortem", round: 1, durationMs: 900, verdict: null } },
    { agent: "orchestrator", type: "run.completed", data: { runId, status: "passed", stages: [], costUsd: 0.039, durationMs: 26000, files: 2 } },
  ];
  let index = 0;
  const stamp = (events: Array<Omit<EventInput, "runId" | "time">>): EventInput[] =>
    // The spread loses the pairing of each type with its data that the list above was checked for.
    events.map((event) => ({ ...event, runId, time: new Date(start + 1000 * index++).toISOString() }) as EventInput);
  return { early: stamp(early), coding: stamp(coding), finishing: stamp(finishing) };
}

export async function publishEvents(bus: TestBus, events: EventInput[]): Promise<void> {
  const publisher = createEventPublisher({ connection: bus.connection, subjects: bus.subjects, clock: { now: () => Date.now() }, instanceId: "test-publisher" });
  for (const event of events) await publisher.publish(event);
}
