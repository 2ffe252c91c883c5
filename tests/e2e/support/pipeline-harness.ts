import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, type NatsConnection } from "nats";
import { z } from "zod";
import { fleetAgents } from "../../../agents/registry.ts";
import { createArtifactStore } from "../../../agents/shared/artifact-store.ts";
import { createRunStore } from "../../../agents/orchestrator/run-store.ts";
import { jsonCodec } from "../../../bus/codec.ts";
import { replayEvents } from "../../../bus/events.ts";
import { createJobClient } from "../../../bus/job-client.ts";
import type { LocalNatsServer } from "../../../bus/local-server.ts";
import { ensureResources } from "../../../bus/resources.ts";
import { createSubjects, type Subjects } from "../../../bus/subjects.ts";
import { startFleet, type Fleet } from "../../../cli/fleet.ts";
import type { AspEvent } from "../../../schemas/event.ts";
import { runRequestSchema, runSummarySchema, type RunState, type RunSummary } from "../../../schemas/run.ts";
import type { Task } from "../../../schemas/task.ts";
import { startModelSimulator, type ModelSimulator, type ScenarioInput } from "../../../simulator/index.ts";
import { startIsolatedNatsServer } from "../../support/nats.ts";

export interface PipelineHarnessOptions {
  /** A scenario object (validated by the simulator) or the path of a scenario file. */
  scenario: object | string;
  writers?: number;
  /** Agents started besides the writers; the whole fleet by default. */
  agents?: string[];
  /** Extra environment for every agent process (e.g. ASP_LLM_RETRY_BASE_MS). */
  env?: Record<string, string>;
}

export interface RunOutcome {
  summary: RunSummary;
  /** The run's state machine as the runs KV bucket holds it at the end. */
  state: RunState;
  /** Every event of the run, replayed from the events stream after the run ended. */
  events: AspEvent[];
  /** The generated project, path → bytes, read back from the artifact store. */
  files: Map<string, Buffer>;
}

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

/** Variables of the outer shell that would point agents somewhere else than this harness. */
const inheritedVariablesToDrop = /^(NATS_|ASP_|ANTHROPIC_)/;

/**
 * The whole pipeline for one test file: its own nats-server on a random port, the model simulator
 * in-process on port 0, and the fleet as real OS processes, exactly as `asp run` starts them.
 */
export async function startPipelineHarness(options: PipelineHarnessOptions): Promise<PipelineHarness> {
  const dataDirectory = await mkdtemp(path.join(tmpdir(), "asp-e2e-"));
  const namespace = "e2e";
  const subjects = createSubjects(namespace);
  let server: LocalNatsServer | undefined;
  let simulator: ModelSimulator | undefined;
  let connection: NatsConnection | undefined;
  let fleet: Fleet | undefined;
  const cleanUp = async () => {
    await fleet?.stop(5000);
    await connection?.close().catch(() => undefined);
    await simulator?.close();
    await server?.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  };
  try {
    server = await startIsolatedNatsServer({ dataDir: path.join(dataDirectory, "nats") });
    connection = await connect({ servers: server.url, name: "e2e-harness" });
    await ensureResources(connection, subjects);
    simulator = await startModelSimulator({ scenario: options.scenario as ScenarioInput | string, port: 0 });
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !inheritedVariablesToDrop.test(name)));
    const env: Record<string, string> = {
      NATS_URL: server.url,
      ASP_NAMESPACE: namespace,
      ASP_LOG_LEVEL: "warn",
      ASP_DATA_DIR: dataDirectory,
    };
    const childEnv: Record<string, string | undefined> = { ...inherited, ...env, ASP_LLM_BASE_URL: simulator.url, ...options.env };
    fleet = await startFleet({
      agents: options.agents ?? fleetAgents,
      writers: options.writers ?? 2,
      env: childEnv,
      logDirectory: path.join(dataDirectory, "logs"),
    });
    const ready = { connection, simulator, fleet };
    const jobs = createJobClient({ connection, subjects });
    const runs = createRunStore(connection, subjects);
    const artifacts = createArtifactStore(connection, subjects);

    return {
      natsUrl: server.url,
      namespace,
      subjects,
      ...ready,
      env,
      async run(task, runOptions = {}) {
        const runId = runOptions.runId ?? `e2e-${process.pid}-${++runCounter}`;
        const request = runRequestSchema.parse({ runId, task, pipeline: "default", ...(runOptions.budgetUsd ? { budgetUsd: runOptions.budgetUsd } : {}) });
        const reply = await jobs.request("orchestrator", request, {
          runId,
          jobId: `${runId}-run`,
          inputCodec: jsonCodec(runRequestSchema),
          outputCodec: jsonCodec(runSummarySchema),
          timeoutMs: runOptions.timeoutMs ?? 120_000,
        });
        const state = await runs.get(runId);
        if (!state) throw new Error(`run ${runId} finished but has no state in the runs bucket`);
        const events = await readEvents(ready.connection, subjects, runId);
        const files = new Map<string, Buffer>();
        for (const file of ((state.outputs.code as { files?: Array<{ path: string; artifact: string }> } | undefined)?.files ?? [])) {
          const bytes = await artifacts.get(file.artifact);
          if (!bytes) throw new Error(`artifact ${file.artifact} of ${file.path} is missing`);
          files.set(file.path, Buffer.from(bytes));
        }
        return { summary: reply.output, state, events, files };
      },
      setScenario(scenario) {
        ready.simulator.setScenario(scenario as ScenarioInput);
      },
      async stageResult(runId, agent, stageId, round) {
        const reply = await jobs.awaitResult(agent, { runId, jobId: `${runId}-${stageId}-r${round}`, outputCodec: stageOutputCodec, timeoutMs: 5000 });
        return reply.output;
      },
      [Symbol.asyncDispose]: cleanUp,
    };
  } catch (error) {
    const explained = await withLogTail(error as Error);
    await cleanUp();
    throw explained;
  }
}

/** The fleet names the log of an agent that failed to start; that log is deleted with the data folder, so keep its tail. */
async function withLogTail(error: Error): Promise<Error> {
  const logFile = error.message.match(/see (\S+\.log)/)?.[1];
  if (!logFile) return error;
  const log = await readFile(logFile, "utf8").catch(() => "");
  return new Error(`${error.message}\n--- ${path.basename(logFile)} (tail) ---\n${log.slice(-3000)}`, { cause: error });
}

async function readEvents(connection: NatsConnection, subjects: Subjects, runId: string): Promise<AspEvent[]> {
  const events: AspEvent[] = [];
  const replay = await replayEvents({ connection, subjects, runId, onEvent: (event) => void events.push(event) });
  await replay.done;
  return events;
}

/** Events of one type, in stream order. */
export function eventsOfType(events: AspEvent[], type: string): AspEvent[] {
  return events.filter((event) => event.type === type);
}
