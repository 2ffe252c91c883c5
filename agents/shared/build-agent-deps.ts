import { execFileSync } from "node:child_process";
import path from "node:path";
import type { BuildDepsContext } from "../../bus/agent-process.ts";
import { systemClock } from "../../bus/clock.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { readStoredEvents } from "../../bus/events.ts";
import { createModelClient, readModelConfig } from "../../llm/index.ts";
import { createPromptStore } from "../../prompts/prompt-store.ts";
import type { AgentDeps } from "./agent-deps.ts";
import { readAgentConfig } from "./agent-config.ts";
import { createArtifactStore } from "./artifact-store.ts";
import { createHistoryStore } from "./history-store.ts";
import { createBudgetGuard } from "./budget-guard.ts";
import { createRunStore } from "../orchestrator/run-store.ts";
import { defaultSandboxLimits, probeSandboxCapabilities } from "../test/sandbox.ts";
import type { TestRunDeps } from "../test/run-project-tests.ts";

/** The deps every pipeline agent gets, built once per process from its config. */
export function buildAgentDeps(context: BuildDepsContext, env: Record<string, string | undefined> = process.env): AgentDeps {
  const { connection, subjects, logger } = context;
  const modelConfig = readModelConfig(env);
  const agentConfig = readAgentConfig(env);
  return {
    model: createModelClient(modelConfig, { logger, clock: systemClock }),
    prompts: createPromptStore(agentConfig.promptsDirectory),
    jobs: createJobClient({ connection, subjects, logger }),
    artifacts: createArtifactStore(connection, subjects),
    history: createHistoryStore(connection, subjects),
    budget: createBudgetGuard({ connection, subjects, runs: createRunStore(connection, subjects) }),
    subjects,
    readRunEvents: (runId) => readStoredEvents(connection, subjects, runId),
  };
}

/** Where the sandbox finds python3 and node, resolved once: pyenv-style shims need env the sandbox drops. */
export function buildSandboxDeps(): TestRunDeps {
  const folders = new Set<string>([path.dirname(process.execPath)]);
  let pytestAvailable = false;
  try {
    const python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8", timeout: 10_000 }).trim();
    folders.add(path.dirname(python));
    pytestAvailable = execFileSync(python, ["-c", "import importlib.util as u; print(bool(u.find_spec('pytest')))"], { encoding: "utf8", timeout: 10_000 }).trim() === "True";
  } catch {
    // No python: python projects will report a build error naming the missing interpreter.
  }
  for (const folder of ["/usr/local/bin", "/usr/bin", "/bin"]) folders.add(folder);
  return {
    limits: defaultSandboxLimits,
    capabilities: probeSandboxCapabilities(),
    pytestAvailable,
    sandboxPath: [...folders].join(":"),
    clock: systemClock,
  };
}
