import type { BuildDepsContext } from "../../bus/agent-process.ts";
import { systemClock } from "../../bus/clock.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { readStoredEvents } from "../../bus/events.ts";
import { createModelClient, readModelConfig } from "../../llm/index.ts";
import { createPromptStore } from "../../prompts/prompt-store.ts";
import type { AgentDeps } from "./agent-deps.ts";
import { createArtifactStore } from "./artifact-store.ts";
import { createHistoryStore } from "./history-store.ts";
import { createBudgetGuard } from "./budget-guard.ts";
import { createRunStore } from "../orchestrator/run-store.ts";

/** The deps every pipeline agent gets, built once per process from its config. */
export function buildAgentDeps(context: BuildDepsContext, env: Record<string, string | undefined> = process.env): AgentDeps {
  const { connection, subjects, logger } = context;
  const modelConfig = readModelConfig(env);
  return {
    model: createModelClient(modelConfig, { logger, clock: systemClock }),
    prompts: createPromptStore(),
    jobs: createJobClient({ connection, subjects, logger }),
    artifacts: createArtifactStore(connection, subjects),
    history: createHistoryStore(connection, subjects),
    budget: createBudgetGuard({ connection, subjects, runs: createRunStore(connection, subjects) }),
    subjects,
    readRunEvents: (runId) => readStoredEvents(connection, subjects, runId),
  };
}
