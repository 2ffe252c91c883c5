import type { NatsConnection } from "nats";
import { z } from "zod";
import { fleetAgents } from "../../../agents/registry.ts";
import { jsonCodec } from "../../../bus/codec.ts";
import { createJobClient } from "../../../bus/job-client.ts";
import type { Subjects } from "../../../bus/subjects.ts";
import type { Fleet } from "../../../cli/fleet.ts";
import { startLoopbackPipeline, type RunOutcome } from "../../support/loopback-pipeline.ts";
import type { AspEvent } from "../../../schemas/event.ts";
import type { Task } from "../../../schemas/task.ts";
import type { ModelSimulator, ScenarioInput } from "../../../simulator/index.ts";

export interface PipelineHarnessOptions {
  /** A scenario object (validated by the simulator) or the path of a scenario file. */
  scenario: object | string;
  writers?: number;
  /** Agents started besides the writers; the whole fleet by default. */
  agents?: string[];
  /** Extra environment for every agent process (e.g. ASP_LLM_RETRY_BASE_MS). */
  env?: Record<string, string>;
}

export type { RunOutcome };

export interface PipelineHarness extends AsyncDisposable {
  natsUrl: string;
  namespace: string;
  subjects: Subjects;
  connection: NatsConnection;
  simulator: ModelSimulator;
  fleet: Fleet;
  /** Environment a CLI process needs to submit to this harness's fleet. */
  env: Record<string, string>;
  /** Replaces the simulator's scenario (and clears its prompt cache) for the runs that follow. */
  setScenario(scenario: object): void;
  run(task: Task, options?: { runId?: string; timeoutMs?: number; budgetUsd?: number }): Promise<RunOutcome>;
  /** The stored result of one stage round (every round, not only the last one the run state keeps). */
  stageResult(runId: string, agent: string, stageId: string, round: number): Promise<Record<string, unknown>>;
}

let runCounter = 0;
const stageOutputCodec = jsonCodec(z.record(z.string(), z.unknown()));

/**
 * The whole pipeline for one test file (tests/support/loopback-pipeline.ts: its own nats-server on a random
 * port, the model simulator in-process, the fleet as real OS processes), plus running a task on it.
 */
export async function startPipelineHarness(options: PipelineHarnessOptions): Promise<PipelineHarness> {
  const pipeline = await startLoopbackPipeline({
    name: "e2e",
    scenario: options.scenario,
    agents: options.agents ?? fleetAgents,
    writers: options.writers ?? 2,
    ...(options.env ? { env: options.env } : {}),
  });
  const { connection, subjects } = pipeline;
  const jobs = createJobClient({ connection, subjects });
  return {
    natsUrl: pipeline.natsUrl,
    namespace: subjects.namespace,
    subjects,
    connection,
    simulator: pipeline.simulator,
    fleet: pipeline.fleet,
    env: pipeline.env,
    run(task, runOptions = {}) {
      return pipeline.run(task, { ...runOptions, runId: runOptions.runId ?? `e2e-${process.pid}-${++runCounter}` });
    },
    setScenario(scenario) {
      pipeline.simulator.setScenario(scenario as ScenarioInput);
    },
    async stageResult(runId, agent, stageId, round) {
      const reply = await jobs.awaitResult(agent, { runId, jobId: `${runId}-${stageId}-r${round}`, outputCodec: stageOutputCodec, timeoutMs: 5000 });
      return reply.output;
    },
    [Symbol.asyncDispose]: () => pipeline[Symbol.asyncDispose](),
  };
}

/** Events of one type, in stream order. */
export function eventsOfType(events: AspEvent[], type: string): AspEvent[] {
  return events.filter((event) => event.type === type);
}
