import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, type NatsConnection } from "nats";
import { pino } from "pino";
import { replayEvents } from "../bus/events.ts";
import { startLocalNatsServer, type LocalNatsServer } from "../bus/local-server.ts";
import { ensureResources } from "../bus/resources.ts";
import { createSubjects, type Subjects } from "../bus/subjects.ts";
import type { AspEvent } from "../schemas/event.ts";
import { startModelSimulator, type ModelSimulator, type ScenarioInput } from "../simulator/index.ts";
import { spawnAgentProcess, startFleet, type Fleet } from "./fleet.ts";

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

export interface LoopbackPipeline extends AsyncDisposable {
  dataDirectory: string;
  logDirectory: string;
  natsUrl: string;
  subjects: Subjects;
  connection: NatsConnection;
  simulator: ModelSimulator;
  fleet: Fleet;
  /** What another process (an agent, the CLI) needs to join this pipeline's bus. */
  env: Record<string, string>;
  /** Every stored event of one run. */
  events(runId: string): Promise<AspEvent[]>;
  /** Starts more file-writer processes in the same fleet (stopped with it). */
  addWriters(count: number): Promise<void>;
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
    connection = await connect({ servers: server.url, name: options.name });
    await ensureResources(connection, subjects);
    simulator = await startModelSimulator({ scenario: options.scenario as ScenarioInput | string, port: 0 });
    const env: Record<string, string> = { NATS_URL: server.url, ASP_NAMESPACE: subjects.namespace, ASP_LOG_LEVEL: "warn", ASP_DATA_DIR: dataDirectory };
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !inheritedVariablesToDrop.test(name)));
    const agentEnv: Record<string, string | undefined> = { ...inherited, ...env, ASP_LLM_BASE_URL: simulator.url, ...options.env };
    const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
    fleet = await startFleet({ agents: options.agents, writers: options.writers, env: agentEnv, logDirectory, readyTimeoutMs });
    const ready = { connection, simulator, fleet };
    return {
      ...ready,
      dataDirectory,
      logDirectory,
      natsUrl: server.url,
      subjects,
      env,
      async events(runId) {
        const collected: AspEvent[] = [];
        const replay = await replayEvents({ connection: ready.connection, subjects, runId, onEvent: (event) => void collected.push(event) });
        await replay.done;
        return collected;
      },
      async addWriters(count) {
        const first = ready.fleet.processes.length;
        const added = await Promise.all(
          Array.from({ length: count }, (_, index) => spawnAgentProcess("file-writer", first + index, { env: agentEnv, logDirectory, readyTimeoutMs })),
        );
        ready.fleet.processes.push(...added);
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
