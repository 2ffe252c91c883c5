import type { AgentProcessOptions, BuildDepsContext } from "../bus/agent-process.ts";
import type { AgentDefinition } from "../bus/define-agent.ts";
import { codeReviewAgent } from "./code-review/agent.ts";
import { codeAgent } from "./code/agent.ts";
import { designReviewAgent } from "./design-review/agent.ts";
import { designAgent } from "./design/agent.ts";
import { fileWriterAgent } from "./file-writer/agent.ts";
import { systemClock } from "../bus/clock.ts";
import { createEventPublisher } from "../bus/events.ts";
import { orchestratorAgent, type OrchestratorDeps } from "./orchestrator/agent.ts";
import { awaitGateDecision } from "./orchestrator/await-decision.ts";
import { listenForGateDecisions } from "./orchestrator/gate-control.ts";
import { loadPipeline } from "./orchestrator/pipeline-loader.ts";
import { createRunStore } from "./shared/run-store.ts";
import { planningAgent } from "./planning/agent.ts";
import { postmortemAgent } from "./postmortem/agent.ts";
import { defineReviewer } from "./reviewer/agent.ts";
import { builtInSpecialties } from "../schemas/reviewer-job.ts";
import { buildAgentDeps } from "./shared/build-agent-deps.ts";
import { buildSandboxDeps } from "./tester/test-agent-config.ts";
import { testAgent } from "./tester/agent.ts";

/** The orchestrator also answers human gate decisions on the control subjects. */
function buildOrchestratorDeps(context: BuildDepsContext): OrchestratorDeps {
  const { connection, subjects, logger } = context;
  const runs = createRunStore(connection, subjects);
  const events = createEventPublisher({ connection, subjects, clock: systemClock, instanceId: `orchestrator-control-${process.pid}` });
  listenForGateDecisions({ connection, subjects, runs, events, logger });
  return {
    ...buildAgentDeps(context),
    runs,
    loadPipeline: (name: string) => loadPipeline(name, process.env.ASP_PIPELINES_DIR || undefined),
    awaitGateDecision: (options) => awaitGateDecision({ connection, subjects, ...options }),
  };
}

export interface RegisteredAgent {
  // Definitions differ in their types; the registry only wires them to a process.
  definition: AgentDefinition<any, any, any>;
  buildDeps(context: BuildDepsContext): unknown;
}

const pipelineAgent = (definition: AgentDefinition<any, any, any>): RegisteredAgent => ({ definition, buildDeps: (context) => buildAgentDeps(context) });

/** Every built-in agent by name: `asp agent <name>` runs one of these as its own process. */
export const agentRegistry: Record<string, RegisteredAgent> = {
  orchestrator: { definition: orchestratorAgent, buildDeps: buildOrchestratorDeps },
  planning: pipelineAgent(planningAgent),
  design: pipelineAgent(designAgent),
  "design-review": pipelineAgent(designReviewAgent),
  ...Object.fromEntries(builtInSpecialties.map((specialty) => [`review-${specialty}`, pipelineAgent(defineReviewer(specialty))])),
  code: pipelineAgent(codeAgent),
  "file-writer": pipelineAgent(fileWriterAgent),
  "code-review": pipelineAgent(codeReviewAgent),
  test: { definition: testAgent, buildDeps: (context) => ({ ...buildAgentDeps(context), sandbox: buildSandboxDeps() }) },
  postmortem: pipelineAgent(postmortemAgent),
};

/** The fleet `asp run` and `asp up` start: one process each, plus the writer pool. */
export const fleetAgents = Object.keys(agentRegistry).filter((name) => name !== "file-writer");

export type AgentProcessOptionsFor = AgentProcessOptions<unknown>;
