import path from "node:path";
import { runRequestSchema, type RunRequest } from "../schemas/run.ts";
import type { Task } from "../schemas/task.ts";
import { newRunId } from "./run-command.ts";

/** A pipeline argument that names a file rather than a pipeline, as the orchestrator's loader tells them apart. */
export const looksLikePipelinePath = (pipeline: string) => /[\\/]|\.ya?ml$/.test(pipeline);

/**
 * The run request `asp submit` and the MCP server's submit tool send to a running fleet. A pipeline
 * file is made absolute here, since the fleet's orchestrator reads it from its own working folder.
 */
export function newRunRequest(task: Task, options: { pipeline?: string; budgetUsd?: number }, now = new Date()): RunRequest {
  const pipeline = options.pipeline ?? "default";
  return runRequestSchema.parse({
    runId: newRunId(now, task),
    task,
    pipeline: looksLikePipelinePath(pipeline) ? path.resolve(pipeline) : pipeline,
    ...(options.budgetUsd ? { budgetUsd: options.budgetUsd } : {}),
  });
}

/** Said when there is no fleet address at all: the same words wherever a run is submitted. */
export const noFleetAddressMessage = "no fleet to submit to: set NATS_URL, or start one here with 'asp up'";

/** Said when the bus answers but no orchestrator does. */
export const noOrchestratorMessage = (natsUrl: string | undefined, namespace: string) => `no orchestrator answers on ${natsUrl} (namespace ${namespace}): is the fleet up?`;
