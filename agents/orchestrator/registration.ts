import type { BuildDepsContext } from "../../bus/agent-process.ts";
import { systemClock } from "../../bus/clock.ts";
import { defineRegistration, type AgentRegistration } from "../../bus/define-registration.ts";
import { createEventPublisher } from "../../bus/events.ts";
import { buildAgentDeps } from "../shared/build-agent-deps.ts";
import { createRunStore } from "../shared/run-store.ts";
import { orchestratorAgent, type OrchestratorDeps } from "./agent.ts";
import { awaitGateDecision } from "./await-decision.ts";
import { listenForGateDecisions } from "./gate-control.ts";
import { loadPipeline } from "./pipeline-loader.ts";
import { countLiveInstances } from "./live-instances.ts";

/** The orchestrator also answers human gate decisions on the control subjects. */
function buildOrchestratorDeps(context: BuildDepsContext, registeredAgents: readonly string[]): OrchestratorDeps {
  const { connection, subjects, logger } = context;
  const runs = createRunStore(connection, subjects);
  const events = createEventPublisher({ connection, subjects, clock: systemClock, instanceId: `orchestrator-control-${process.pid}` });
  listenForGateDecisions({ connection, subjects, runs, events, logger });
  return {
    ...buildAgentDeps(context),
    runs,
    loadPipeline: (name: string) => loadPipeline(name, process.env.ASP_PIPELINES_DIR || undefined, { registeredAgents }),
    awaitGateDecision: (options) => awaitGateDecision({ connection, subjects, ...options }),
    countInstances: (agent) => countLiveInstances(connection, subjects.namespace, agent),
  };
}

/**
 * The orchestrator is handed the other agents' names (by agents/registry.ts) rather than importing the
 * registry, so it can refuse a pipeline whose stage names no agent without a cycle between the two.
 */
export function orchestratorRegistration(registeredAgents: readonly string[]): AgentRegistration {
  return defineRegistration({
    definition: orchestratorAgent,
    buildDeps: (context) => buildOrchestratorDeps(context, [orchestratorAgent.name, ...registeredAgents]),
    // It drives every stage, plug-in stages and reviewers included, so it may submit any agent's jobs.
    calls: "all",
    callsModel: false,
    keyValue: { writes: ["runs"], lists: ["runs"] },
    // Gate decisions arrive on <ns>.control.<runId>.<command>; the orchestrator records them as its events.
    // PING finds whether a stage's agent has a live instance at all (agents/orchestrator/stage-presence.ts).
    extraSubjects: { subscribe: ["{ns}.control.*.*"], publish: ["$SRV.PING.*"] },
  });
}
