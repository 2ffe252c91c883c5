import type { AgentDefinition } from "../../../../bus/define-agent.ts";
import { createInMemoryRuntime, type InMemoryRegistration, type InMemoryRuntime } from "../../../../bus/in-memory-runtime.ts";
import { createRecordingModel, type ModelScript, type RecordingModel } from "../../../../llm/recording-model.ts";
import type { AgentDeps } from "../../../../agents/shared/agent-deps.ts";
import { createInMemoryAgentDeps, type InMemoryAgentDeps, type InMemoryAgentDepsOptions } from "../../../../agents/shared/in-memory-agent-deps.ts";

export interface InMemoryAgents {
  runtime: InMemoryRuntime;
  model: RecordingModel;
  deps: InMemoryAgentDeps;
}

/** Agents on one in-memory runtime, sharing one recording model and one set of deps, as a fleet shares a bus. */
export function startInMemoryAgents(
  script: ModelScript,
  // Each agent has its own input and output types; what they share is the deps.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  definitions: Array<AgentDefinition<any, any, AgentDeps> | [AgentDefinition<any, any, AgentDeps>, InMemoryRegistration]>,
  options: Omit<InMemoryAgentDepsOptions, "model"> = {},
): InMemoryAgents {
  const runtime = createInMemoryRuntime();
  const model = createRecordingModel(script);
  const deps = createInMemoryAgentDeps(runtime, { ...options, model });
  for (const entry of definitions) {
    const [definition, registration] = Array.isArray(entry) ? entry : [entry, {}];
    runtime.register(definition, deps, registration);
  }
  return { runtime, model, deps };
}
