import type { Tracer } from "@opentelemetry/api";
import type { JobClient } from "../../bus/job-client.ts";
import type { Subjects } from "../../bus/subjects.ts";
import type { ModelClient } from "../../llm/index.ts";
import type { PromptStore } from "../../prompts/prompt-store.ts";
import type { AspEvent } from "../../schemas/event.ts";
import type { CodeWriteOrder, ReviewerTimeouts } from "./agent-config.ts";
import type { ArtifactStore } from "./artifact-store.ts";
import type { BudgetGuard } from "./budget-guard.ts";
import type { HistoryStore } from "./history-store.ts";

/** What every pipeline agent's handler may use. Built once per process by `buildAgentDeps`. */
export interface AgentDeps {
  model: ModelClient;
  prompts: PromptStore;
  jobs: JobClient;
  artifacts: ArtifactStore;
  history: HistoryStore;
  budget: BudgetGuard;
  subjects: Subjects;
  /** How the code agent orders a round's files; waves when not given. */
  codeWriteOrder?: CodeWriteOrder;
  /** How long a gate waits for each reviewer before failing closed; defaultReviewerTimeouts when not given. */
  reviewerTimeouts?: ReviewerTimeouts;
  /** Every event of one run so far (the postmortem's only source of figures). */
  readRunEvents(runId: string): Promise<AspEvent[]>;
  /** Spans a handler makes itself (the orchestrator's stage spans); the API's global tracer when absent. */
  tracer?: Tracer;
}
