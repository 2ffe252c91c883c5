import path from "node:path";
import type { NatsConnection } from "nats";
import { fleetAgents } from "../../../agents/registry.ts";
import { jsonCodec } from "../../../bus/codec.ts";
import { readStoredEvents } from "../../../bus/events.ts";
import { createJobClient } from "../../../bus/job-client.ts";
import type { Subjects } from "../../../bus/subjects.ts";
import { spawnAgentProcess, stopProcess, type FleetProcess } from "../../../cli/fleet.ts";
import type { AspEvent } from "../../../schemas/event.ts";
import { runRequestSchema, runSummarySchema, type RunSummary } from "../../../schemas/run.ts";
import type { Task } from "../../../schemas/task.ts";

export interface DeployFleet {
  processes: FleetProcess[];
  stop(): Promise<void>;
}

const startBatch = 4;

/** Variables of the outer shell that would point agents somewhere else than this test. */
const inheritedVariablesToDrop = /^(NATS_|ASP_|ANTHROPIC_)/;

/**
 * Every agent of the pipeline plus `writers` file-writers, each its own `asp agent <name>` process,
 * each with its own environment (a node to attach to, a NATS user), as compose or k8s would run them.
 */
export async function startDeployFleet(options: {
  writers: number;
  logDirectory: string;
  envFor(name: string, index: number): Record<string, string>;
}): Promise<DeployFleet> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !inheritedVariablesToDrop.test(name)));
  const names = [...fleetAgents, ...Array.from({ length: options.writers }, () => "file-writer")];
  // A few at a time: a dozen node processes loading tsx at once on two shared cores starve each
  // other past any ready timeout, while each one alone is ready in a second or two.
  const results: Array<PromiseSettledResult<FleetProcess>> = [];
  for (let start = 0; start < names.length; start += startBatch) {
    const batch = names.slice(start, start + startBatch).map((name, offset) =>
      spawnAgentProcess(name, start + offset, {
        env: { ...inherited, ...options.envFor(name, start + offset) },
        logDirectory: options.logDirectory,
        readyTimeoutMs: 120_000,
      }),
    );
    results.push(...(await Promise.allSettled(batch)));
  }
  const processes = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const stop = async () => {
    await Promise.all(processes.map((process) => stopProcess(process, 5000)));
  };
  const failure = results.find((result) => result.status === "rejected");
  if (failure) {
    await stop();
    throw failure.reason;
  }
  return { processes, stop };
}

/** Submits a run to the orchestrator, as `asp submit` does, and waits for its summary. */
export async function runPipeline(options: { connection: NatsConnection; subjects: Subjects; task: Task; runId: string; timeoutMs?: number }): Promise<RunSummary> {
  const jobs = createJobClient({ connection: options.connection, subjects: options.subjects });
  const request = runRequestSchema.parse({ runId: options.runId, task: options.task, pipeline: "default" });
  const reply = await jobs.request("orchestrator", request, {
    runId: options.runId,
    jobId: `${options.runId}-run`,
    inputCodec: jsonCodec(runRequestSchema),
    outputCodec: jsonCodec(runSummarySchema),
    timeoutMs: options.timeoutMs ?? 100_000,
  });
  return reply.output;
}

/** One run's stored events (bus/events.ts readStoredEvents). */
export const readRunEvents = (connection: NatsConnection, subjects: Subjects, runId: string): Promise<AspEvent[]> => readStoredEvents(connection, subjects, runId);

export const helloPythonDirectory = (root: string) => path.join(root, "examples", "hello-python");
