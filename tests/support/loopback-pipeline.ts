import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, type NatsConnection } from "nats";
import { pino } from "pino";
import { readStoredEvents } from "../../bus/events.ts";
import { startLocalNatsServer, type LocalNatsServer } from "../../bus/local-server.ts";
import { ensureResources } from "../../bus/resources.ts";
import { registrations } from "../../agents/registry.ts";
import { ensureFleetConsumers } from "../../cli/fleet-consumers.ts";
import { createSubjects, type Subjects } from "../../bus/subjects.ts";
import { createRunStore } from "../../agents/shared/run-store.ts";
import { createArtifactStore } from "../../agents/shared/artifact-store.ts";
import { jsonCodec } from "../../bus/codec.ts";
import { createJobClient } from "../../bus/job-client.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { runRequestSchema, runSummarySchema, type RunState, type RunSummary } from "../../schemas/run.ts";
import type { Task } from "../../schemas/task.ts";
import { startModelSimulator, type ModelSimulator, type ScenarioInput } from "../../simulator/index.ts";
import { spawnAgentProcess, startFleet, type Fleet, type FleetProcess } from "../../cli/fleet.ts";

export interface LoopbackPipelineOptions {
  /** Names the temporary folder, the namespace and the NATS connection. */
  name: string;
  /** A scenario object (validated by the model simulator) or the path of a scenario file. */
  scenario: object | string;
  /** Agents started besides the writers. */
  agents: string[];
  writers: number;
  /** Extra environment for every agent process (e.g. ASP_LLM_PROMPT_CACHING=false). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
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

export interface LoopbackPipeline extends AsyncDisposable {
  dataDirectory: string;
  logDirectory: string;
  natsUrl: string;
  /** The nats-server now running (a new process after restartServer). */
  readonly server: LocalNatsServer;
  subjects: Subjects;
  connection: NatsConnection;
  simulator: ModelSimulator;
  fleet: Fleet;
  /** What another process (an agent, the CLI) needs to join this pipeline's bus. */
  env: Record<string, string>;
  /** Every stored event of one run. */
  events(runId: string): Promise<AspEvent[]>;
  /** Starts one more agent process (a replica or a replacement) in the same fleet, stopped with it. */
  addAgent(name: string): Promise<FleetProcess>;
  /** Starts more file-writer processes in the same fleet (stopped with it). */
  addWriters(count: number): Promise<void>;
  /** Kills nats-server (SIGKILL, a crash) and starts it again on the same port and store after downMs. */
  restartServer(downMs?: number): Promise<void>;
  /** Submits a task to the orchestrator, as `asp submit` does, and collects the finished run. */
  run(task: Task, options: { runId: string; timeoutMs?: number; budgetUsd?: number }): Promise<RunOutcome>;
}

/** Variables of the outer shell that would point agents somewhere else than this pipeline. */
const inheritedVariablesToDrop = /^(NATS_|ASP_|ANTHROPIC_)/;

/**
 * The whole system on loopback, as `asp run` starts it without NATS_URL or an API key: a private
 * nats-server with JetStream in a temporary folder, the model simulator in this process, and the
 * fleet as real OS processes. The end-to-end tests and the benchmarks both stand on it; disposing
 * stops all three and deletes the folder.
 */
export async function startLoopbackPipeline(options: LoopbackPipelineOptions): Promise<LoopbackPipeline> {
  const dataDirectory = await mkdtemp(path.join(tmpdir(), `asp-${options.name}-`));
  const logDirectory = path.join(dataDirectory, "logs");
  const subjects = createSubjects(options.name);
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
    server = await startLocalNatsServer({ dataDir: path.join(dataDirectory, "nats"), logger: pino({ level: "warn" }) });
    // This process's client rides out a server restart like the agents do.
    connection = await connect({ servers: server.url, name: options.name, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    await ensureResources(connection, subjects);
    // As asp run's starter does (decision 1415): the agents then only look their consumers up.
    await ensureFleetConsumers(connection, subjects, registrations, options.env ?? {});
    simulator = await startModelSimulator({ scenario: options.scenario as ScenarioInput | string, port: 0 });
    const env: Record<string, string> = { NATS_URL: server.url, ASP_NAMESPACE: subjects.namespace, ASP_LOG_LEVEL: "warn", ASP_DATA_DIR: dataDirectory };
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !inheritedVariablesToDrop.test(name)));
    const agentEnv: Record<string, string | undefined> = { ...inherited, ...env, ASP_LLM_BASE_URL: simulator.url, ...options.env };
    const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
    fleet = await startFleet({ agents: options.agents, writers: options.writers, env: agentEnv, logDirectory, readyTimeoutMs });
    const ready = { connection, simulator, fleet };
    let liveServer = server;
    let spawned = fleet.processes.length;
    const jobs = createJobClient({ connection, subjects });
    const runs = createRunStore(connection, subjects);
    const artifacts = createArtifactStore(connection, subjects);
    const addAgent = async (name: string) => {
      const added = await spawnAgentProcess(name, spawned++, { env: agentEnv, logDirectory, readyTimeoutMs });
      ready.fleet.processes.push(added);
      return added;
    };
    const events = (runId: string) => readStoredEvents(ready.connection, subjects, runId);
    return {
      ...ready,
      dataDirectory,
      logDirectory,
      natsUrl: server.url,
      get server() {
        return liveServer;
      },
      subjects,
      env,
      events,
      addAgent,
      async addWriters(count) {
        await Promise.all(Array.from({ length: count }, () => addAgent("file-writer")));
      },
      async restartServer(downMs = 1000) {
        const { port, dataDir } = liveServer;
        await liveServer.kill();
        await new Promise((resolve) => setTimeout(resolve, downMs));
        liveServer = await startLocalNatsServer({ dataDir, port, logger: pino({ level: "warn" }) });
        server = liveServer;
      },
      async run(task, runOptions) {
        const { runId } = runOptions;
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
        const files = new Map<string, Buffer>();
        for (const file of (state.outputs.code as { files?: Array<{ path: string; artifact: string }> } | undefined)?.files ?? []) {
          const bytes = await artifacts.get(file.artifact);
          if (!bytes) throw new Error(`artifact ${file.artifact} of ${file.path} is missing`);
          files.set(file.path, Buffer.from(bytes));
        }
        return { summary: reply.output, state, events: await events(runId), files };
      },
      [Symbol.asyncDispose]: cleanUp,
    };
  } catch (error) {
    const explained = await withLogTail(error as Error);
    await cleanUp();
    throw explained;
  }
}

/** The fleet names the log of an agent that failed to start; that log is deleted with the folder, so keep its tail. */
async function withLogTail(error: Error): Promise<Error> {
  const logFile = error.message.match(/see (\S+\.log)/)?.[1];
  if (!logFile) return error;
  const log = await readFile(logFile, "utf8").catch(() => "");
  return new Error(`${error.message}\n--- ${path.basename(logFile)} (tail) ---\n${log.slice(-3000)}`, { cause: error });
}
