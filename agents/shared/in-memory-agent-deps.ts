import type { InMemoryRuntime } from "../../bus/in-memory-runtime.ts";
import { createSubjects } from "../../bus/subjects.ts";
import type { ModelClient } from "../../llm/index.ts";
import { createPromptStore, type PromptStore } from "../../prompts/prompt-store.ts";
import type { HistoryRecord } from "../../schemas/postmortem.ts";
import type { CodeWriteOrder, ReviewerTimeouts } from "./agent-config.ts";
import type { AgentDeps } from "./agent-deps.ts";
import type { ArtifactStore } from "./artifact-store.ts";
import type { BudgetGuard } from "./budget-guard.ts";
import type { HistoryStore } from "./history-store.ts";
import { createInMemoryArtifactStore, createInMemoryHistoryStore } from "./in-memory-stores.ts";

export interface InMemoryAgentDepsOptions {
  model: ModelClient;
  /** The repository's prompts/ by default; a copy with a placeholder removed makes a negative control. */
  prompts?: PromptStore;
  promptsDirectory?: string;
  /** No limit by default. */
  budget?: BudgetGuard;
  history?: HistoryRecord[];
  codeWriteOrder?: CodeWriteOrder;
  reviewerTimeouts?: ReviewerTimeouts;
}

export type InMemoryAgentDeps = AgentDeps & {
  artifacts: ArtifactStore & { contents: Map<string, Uint8Array> };
  history: HistoryStore & { records: HistoryRecord[] };
};

const unlimitedBudget: BudgetGuard = { check: async () => undefined, spent: async () => 0, close: () => undefined };

/**
 * The deps of a pipeline agent for the in-memory runtime: its job client (so a code job's file jobs and a
 * gate's reviewer jobs run the registered handlers), its events as the run's events, and artifacts and
 * history in memory. One object may serve every agent of a test, as one store serves a whole fleet.
 */
export function createInMemoryAgentDeps(runtime: InMemoryRuntime, options: InMemoryAgentDepsOptions): InMemoryAgentDeps {
  return {
    model: options.model,
    prompts: options.prompts ?? createPromptStore(options.promptsDirectory),
    jobs: runtime.jobs,
    artifacts: createInMemoryArtifactStore(),
    history: createInMemoryHistoryStore(options.history),
    budget: options.budget ?? unlimitedBudget,
    subjects: createSubjects("memory"),
    ...(options.codeWriteOrder ? { codeWriteOrder: options.codeWriteOrder } : {}),
    ...(options.reviewerTimeouts ? { reviewerTimeouts: options.reviewerTimeouts } : {}),
    readRunEvents: async (runId) => runtime.eventsOf(runId),
  };
}
