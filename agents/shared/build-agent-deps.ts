import type { BuildDepsContext } from "../../bus/agent-process.ts";
import { cachedUntilFailure } from "../../bus/cached-until-failure.ts";
import { systemClock } from "../../bus/clock.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { readStoredEvents } from "../../bus/events.ts";
import { rateLimitsBucketOptions } from "../../bus/resources.ts";
import { createFleetRateLimiter, createUsageStateStore, readRateLimitConfig } from "../../llm/fleet-rate-limit/index.ts";
import { createModelClient, readModelConfig } from "../../llm/index.ts";
import { createPromptStore } from "../../prompts/prompt-store.ts";
import type { AgentDeps } from "./agent-deps.ts";
import { readAgentConfig } from "./agent-config.ts";
import { createArtifactStore } from "./artifact-store.ts";
import { createHistoryStore } from "./history-store.ts";
import { createBudgetGuard } from "./budget-guard.ts";
import { createRunStore } from "./run-store.ts";

/** The deps every pipeline agent gets, built once per process from its config. */
export function buildAgentDeps(context: BuildDepsContext, env: Record<string, string | undefined> = process.env): AgentDeps {
  const { connection, subjects, logger } = context;
  const modelConfig = readModelConfig(env);
  // One limit per model for the whole fleet, in the rate-limits KV bucket (opened on the first model call).
  const rateLimiter = createFleetRateLimiter({
    store: createUsageStateStore(cachedUntilFailure(() => connection.jetstream().views.kv(subjects.rateLimitsBucket, rateLimitsBucketOptions(context.config.jetStreamReplicas)))),
    config: readRateLimitConfig(env),
    clock: systemClock,
    logger: logger.child({ component: "rate-limit" }),
  });
  const agentConfig = readAgentConfig(env);
  return {
    model: createModelClient(modelConfig, { logger, clock: systemClock, rateLimiter, tracer: context.tracer }),
    prompts: createPromptStore(agentConfig.promptsDirectory),
    jobs: createJobClient({ connection, subjects, logger, tracer: context.tracer }),
    artifacts: createArtifactStore(connection, subjects),
    history: createHistoryStore(connection, subjects),
    budget: createBudgetGuard({
      connection,
      subjects,
      runs: createRunStore(connection, subjects),
      onInvalid: (error) => logger.warn({ err: error }, "llm.call event skipped by the budget: it fails its catalogue schema"),
    }),
    subjects,
    codeWriteOrder: agentConfig.codeWriteOrder,
    reviewerTimeouts: agentConfig.reviewerTimeouts,
    readRunEvents: (runId) => readStoredEvents(connection, subjects, runId),
    tracer: context.tracer,
  };
}
