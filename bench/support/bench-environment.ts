import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, type NatsConnection } from "nats";
import { pino } from "pino";
import { replayEvents } from "../../bus/events.ts";
import { startLocalNatsServer, type LocalNatsServer } from "../../bus/local-server.ts";
import { ensureResources } from "../../bus/resources.ts";
import { createSubjects, type Subjects } from "../../bus/subjects.ts";
import { spawnAgentProcess, startFleet, type Fleet } from "../../cli/fleet.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { startModelSimulator, type ModelSimulator, type ScenarioInput } from "../../simulator/index.ts";

export interface BenchEnvironmentOptions {
  /** A scenario object (validated by the simulator) or the path of a scenario file. */
  scenario: object | string;
  /** Agents started besides the writers. */
  agents: string[];
  writers: number;
  /** Extra environment for every agent process (e.g. ASP_LLM_PROMPT_CACHING=false). */
  env?: Record<string, string>;
}

export interface BenchEnvironment extends AsyncDisposable {
  connection: NatsConnection;
  subjects: Subjects;
  simulator: ModelSimulator;
  fleet: Fleet;
  events(runId: string): Promise<AspEvent[]>;
  /** Starts more file-writer processes in the same fleet (stopped with it). */
  addWriters(count: number): Promise<void>;
}

/** Variables of the outer shell that would point agents somewhere else than this benchmark. */
const inheritedVariablesToDrop = /^(NATS_|ASP_|ANTHROPIC_)/;

/**
 * Everything on loopback, as `asp run` starts it: a private nats-server, the model simulator in
 * this process, and the fleet as real OS processes. Disposing stops all three and deletes the data.
 */
export async function startBenchEnvironment(options: BenchEnvironmentOptions): Promise<BenchEnvironment> {
  const dataDirectory = await mkdtemp(path.join(tmpdir(), "asp-bench-"));
  const subjects = createSubjects("bench");
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
    connection = await connect({ servers: server.url, name: "bench" });
    await ensureResources(connection, subjects);
    simulator = await startModelSimulator({ scenario: options.scenario as ScenarioInput | string, port: 0 });
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !inheritedVariablesToDrop.test(name)));
    const fleetEnv = {
        ...inherited,
        NATS_URL: server.url,
        ASP_NAMESPACE: subjects.namespace,
        ASP_LOG_LEVEL: "warn",
        ASP_DATA_DIR: dataDirectory,
        ASP_LLM_BASE_URL: simulator.url,
        ...options.env,
    };
    const logDirectory = path.join(dataDirectory, "logs");
    fleet = await startFleet({ agents: options.agents, writers: options.writers, env: fleetEnv, logDirectory, readyTimeoutMs: 120_000 });
    const ready = { connection, simulator, fleet };
    return {
      ...ready,
      subjects,
      async events(runId) {
        const collected: AspEvent[] = [];
        const replay = await replayEvents({ connection: ready.connection, subjects, runId, onEvent: (event) => void collected.push(event) });
        await replay.done;
        return collected;
      },
      async addWriters(count) {
        const first = ready.fleet.processes.length;
        const added = await Promise.all(
          Array.from({ length: count }, (_, index) => spawnAgentProcess("file-writer", first + index, { env: fleetEnv, logDirectory, readyTimeoutMs: 120_000 })),
        );
        ready.fleet.processes.push(...added);
      },
      [Symbol.asyncDispose]: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
