import { z } from "zod";
import { orchestratorAgent } from "../../../agents/orchestrator/agent.ts";
import type { RunStore } from "../../../agents/shared/run-store.ts";
import { createInMemoryAgentDeps } from "../../../agents/shared/in-memory-agent-deps.ts";
import { defineAgent } from "../../../bus/define-agent.ts";
import { createInMemoryRuntime } from "../../../bus/in-memory-runtime.ts";
import { createRecordingModel } from "../../../llm/recording-model.ts";
import type { Pipeline } from "../../../schemas/pipeline.ts";
import { runStateSchema, stageInputSchema, type RunState, type StageInput } from "../../../schemas/run.ts";

export type StageOutcome = Record<string, unknown> | Error;

/**
 * Runs the real orchestrator handler on the in-memory runtime from a stored run state, with every stage
 * agent a script: the loop, the budget stop and the failure handling are the orchestrator's own, not a
 * copy of them. A visit reads `stage#round`, `+reuse<round>` when the stage may reuse a failed round's
 * work, and `+feedback` when it got a gate's feedback.
 */
export async function driveOrchestrator(
  pipeline: Pipeline,
  start: RunState,
  outputs: (stage: string, round: number, input: StageInput) => StageOutcome,
): Promise<{ state: RunState; visits: string[] }> {
  const runtime = createInMemoryRuntime({ clock: { now: () => Date.parse(start.updatedAt) } });
  const saved = new Map<string, RunState>([[start.runId, start]]);
  const runs: RunStore = {
    get: async (runId) => saved.get(runId),
    put: async (state) => void saved.set(state.runId, runStateSchema.parse(state)),
    list: async () => [...saved.values()],
  };
  const deps = createInMemoryAgentDeps(runtime, { model: createRecordingModel({}) });
  const visits: string[] = [];
  for (const agent of new Set(pipeline.stages.map((stage) => stage.agent))) {
    const stageAgent = defineAgent({
      name: agent,
      version: "1.0.0",
      input: stageInputSchema,
      output: z.record(z.string(), z.unknown()),
      handle: async (input: StageInput) => {
        visits.push(`${input.stage}#${input.round}${input.resumeRound !== undefined ? `+reuse${input.resumeRound}` : ""}${input.feedback ? "+feedback" : ""}`);
        if (visits.length > 60) throw new Error("the run does not end");
        const output = outputs(input.stage, input.round, input);
        if (output instanceof Error) throw output;
        return output;
      },
    });
    runtime.register(stageAgent, undefined, { maxDeliver: 1 });
  }
  runtime.register(orchestratorAgent, { ...deps, runs, loadPipeline: async () => pipeline, awaitGateDecision: async () => undefined });
  await runtime.run(orchestratorAgent, { runId: start.runId, task: start.task, pipeline: pipeline.name }, { runId: start.runId, jobId: `${start.runId}-run-${start.attempt ?? 1}` });
  return { state: saved.get(start.runId)!, visits };
}
