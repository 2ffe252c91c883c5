import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, type NatsConnection, type Subscription } from "nats";
import { fleetAgents } from "../../../agents/registry.ts";
import { createArtifactStore } from "../../../agents/shared/artifact-store.ts";
import { createRunStore } from "../../../agents/orchestrator/run-store.ts";
import { jsonCodec } from "../../../bus/codec.ts";
import { replayEvents, safeParseEvent } from "../../../bus/events.ts";
import { createJobClient } from "../../../bus/job-client.ts";
import type { LocalNatsServer } from "../../../bus/local-server.ts";
import { ensureResources } from "../../../bus/resources.ts";
import { createSubjects, type Subjects } from "../../../bus/subjects.ts";
import { spawnAgentProcess, startFleet, type Fleet, type FleetProcess } from "../../../cli/fleet.ts";
import type { AspEvent } from "../../../schemas/event.ts";
import { runRequestSchema, runSummarySchema, type RunState, type RunSummary } from "../../../schemas/run.ts";
import type { Task } from "../../../schemas/task.ts";
import { startModelSimulator, type ModelSimulator, type ScenarioInput } from "../../../simulator/index.ts";
import { startIsolatedNatsServer } from "../../support/nats.ts";

export interface RunOutcome {
  summary: RunSummary;
  state: RunState;
  events: AspEvent[];
  files: Map<string, Buffer>;
}

/** Live events of one run, collected from the moment of watching (core subscription, before submit). */
export interface RunWatch {
  events: AspEvent[];
  waitFor(predicate: (event: AspEvent) => boolean, timeoutMs?: number): Promise<AspEvent>;
  stop(): void;
}

export interface QueueState {
  /** Subject, job id and delivery state of what is left, to explain a failure. */
  leftovers: string[];
  /** Jobs still stored in the stream, with their ids. */
  storedJobs: Array<{ sequence: number; agent: string; runId: string; jobId: string }>;
  /** Messages left in the jobs work-queue stream. */
  jobsInStream: number;
  /** Per agent consumer: jobs waiting plus jobs delivered but not acknowledged. */
  outstanding: Record<string, number>;
}

export interface ReliabilityHarness extends AsyncDisposable {
  server: LocalNatsServer;
  subjects: Subjects;
  connection: NatsConnection;
  simulator: ModelSimulator;
  fleet: Fleet;
  /** The environment every agent process of this harness gets. */
  agentEnv: Record<string, string | undefined>;
  /** Starts one more agent process (a replica or a replacement). */
  addAgent(name: string): Promise<FleetProcess>;
  /** SIGKILL: a crash, no drain. */
  crash(process: FleetProcess): Promise<void>;
  /** Kills nats-server (SIGKILL) and starts it again on the same port and data directory. */
  restartServer(downMs?: number): Promise<void>;
  watch(runId: string): RunWatch;
  run(task: Task, runId: string, timeoutMs?: number): Promise<RunOutcome>;
  queueState(): Promise<QueueState>;
  readEvents(runId: string): Promise<AspEvent[]>;
}

const inheritedVariablesToDrop = /^(NATS_|ASP_|ANTHROPIC_)/;
const stageOutputCodec = jsonCodec(runSummarySchema);

/**
 * Like the e2e pipeline harness, but it owns the nats-server (to kill and restart it on the same
 * port and store), lets a test add and crash agent processes, and gives a short ack wait so a
 * crashed worker's job moves on in seconds.
 */
export async function startReliabilityHarness(options: {
  scenario: object;
  writers?: number;
  agents?: string[];
  ackWaitMs?: number;
  env?: Record<string, string>;
}): Promise<ReliabilityHarness> {
  const dataDirectory = await mkdtemp(path.join(tmpdir(), "asp-reliability-"));
  const namespace = "rel";
  const subjects = createSubjects(namespace);
  const logDirectory = path.join(dataDirectory, "logs");
  const extra: FleetProcess[] = [];
  let server: LocalNatsServer | undefined;
  let simulator: ModelSimulator | undefined;
  let connection: NatsConnection | undefined;
  let fleet: Fleet | undefined;
  const cleanUp = async () => {
    for (const process of extra) if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill("SIGKILL");
    await fleet?.stop(3000);
    await connection?.close().catch(() => undefined);
    await simulator?.close();
    await server?.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  };
  try {
    server = await startIsolatedNatsServer({ dataDir: path.join(dataDirectory, "nats") });
    // The test's own client rides out a server restart like the agents do.
    connection = await connect({ servers: server.url, name: "reliability-harness", maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    await ensureResources(connection, subjects);
    simulator = await startModelSimulator({ scenario: options.scenario as ScenarioInput, port: 0 });
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !inheritedVariablesToDrop.test(name)));
    const agentEnv: Record<string, string | undefined> = {
      ...inherited,
      NATS_URL: server.url,
      ASP_NAMESPACE: namespace,
      ASP_LOG_LEVEL: "warn",
      ASP_DATA_DIR: dataDirectory,
      ASP_LLM_BASE_URL: simulator.url,
      ASP_ACK_WAIT_MS: String(options.ackWaitMs ?? 2000),
      ASP_LLM_RETRY_BASE_MS: "5",
      ASP_LLM_RETRY_MAX_MS: "50",
      ...options.env,
    };
    // A generous ready timeout: on two cores, two fleets starting at once (plus other test files) are slow to compile.
    fleet = await startFleet({ agents: options.agents ?? fleetAgents, writers: options.writers ?? 2, env: agentEnv, logDirectory, readyTimeoutMs: 180_000 });
    const live = { connection, fleet, simulator };
    let liveServer = server;
    const jobs = createJobClient({ connection, subjects });
    const runs = createRunStore(connection, subjects);
    const artifacts = createArtifactStore(connection, subjects);
    let spawned = 100;

    const readEvents = async (runId: string) => {
      const events: AspEvent[] = [];
      const replay = await replayEvents({ connection: live.connection, subjects, runId, onEvent: (event) => void events.push(event) });
      await replay.done;
      return events;
    };

    const harness: ReliabilityHarness = {
      get server() {
        return liveServer;
      },
      subjects,
      ...live,
      agentEnv,
      async addAgent(name) {
        const process = await spawnAgentProcess(name, spawned++, { env: agentEnv, logDirectory });
        extra.push(process);
        return process;
      },
      async crash(process) {
        if (process.child.exitCode !== null || process.child.signalCode !== null) return;
        const exited = new Promise((resolve) => process.child.once("exit", resolve));
        process.child.kill("SIGKILL");
        await exited;
      },
      async restartServer(downMs = 1000) {
        const { port, dataDir } = liveServer;
        await liveServer.kill();
        await new Promise((resolve) => setTimeout(resolve, downMs));
        liveServer = await startIsolatedNatsServer({ dataDir, port });
        server = liveServer;
      },
      watch(runId) {
        const events: AspEvent[] = [];
        const waiters = new Set<() => void>();
        const subscription: Subscription = live.connection.subscribe(subjects.runEvents(runId), {
          callback: (error, message) => {
            if (error) return;
            const parsed = safeParseEvent(message.data);
            if (!parsed.success) return;
            events.push(parsed.data);
            for (const check of waiters) check();
          },
        });
        return {
          events,
          stop: () => subscription.unsubscribe(),
          waitFor(predicate, timeoutMs = 60_000) {
            return new Promise((resolve, reject) => {
              const timer = setTimeout(() => {
                waiters.delete(check);
                reject(new Error(`no matching event of run ${runId} within ${timeoutMs} ms; saw ${events.map((event) => event.type).join(", ")}`));
              }, timeoutMs);
              function check() {
                const found = events.find(predicate);
                if (!found) return;
                clearTimeout(timer);
                waiters.delete(check);
                resolve(found);
              }
              waiters.add(check);
              check();
            });
          },
        };
      },
      async run(task, runId, timeoutMs = 120_000) {
        const request = runRequestSchema.parse({ runId, task, pipeline: "default" });
        const reply = await jobs.request("orchestrator", request, {
          runId,
          jobId: `${runId}-run`,
          inputCodec: jsonCodec(runRequestSchema),
          outputCodec: stageOutputCodec,
          timeoutMs,
        });
        const state = await runs.get(runId);
        if (!state) throw new Error(`run ${runId} finished but has no state in the runs bucket`);
        const files = new Map<string, Buffer>();
        for (const file of (state.outputs.code as { files?: Array<{ path: string; artifact: string }> } | undefined)?.files ?? []) {
          const bytes = await artifacts.get(file.artifact);
          if (!bytes) throw new Error(`artifact ${file.artifact} of ${file.path} is missing`);
          files.set(file.path, Buffer.from(bytes));
        }
        return { summary: reply.output, state, events: await readEvents(runId), files };
      },
      async queueState() {
        const jsm = await live.connection.jetstreamManager();
        const info = await jsm.streams.info(subjects.jobsStream);
        const outstanding: Record<string, number> = {};
        const leftovers: string[] = [];
        const storedJobs: QueueState["storedJobs"] = [];
        for await (const consumer of jsm.consumers.list(subjects.jobsStream)) {
          outstanding[consumer.name] = consumer.num_pending + consumer.num_ack_pending;
          if (outstanding[consumer.name]! > 0) leftovers.push(`${consumer.name}: pending ${consumer.num_pending}, unacked ${consumer.num_ack_pending}, redelivered ${consumer.num_redelivered}, ack floor ${consumer.ack_floor.stream_seq}`);
        }
        for (let sequence = info.state.first_seq; info.state.messages > 0 && sequence <= info.state.last_seq && leftovers.length < 20; sequence++) {
          const message = await jsm.streams.getMessage(subjects.jobsStream, { seq: sequence }).catch(() => undefined);
          if (!message) continue;
          leftovers.push(`#${sequence} ${message.subject} ${message.header?.get("Asp-Job-Id") ?? ""}`);
          storedJobs.push({ sequence, agent: message.subject.split(".").at(-1)!, runId: message.header?.get("Asp-Run-Id") ?? "", jobId: message.header?.get("Asp-Job-Id") ?? "" });
        }
        return { jobsInStream: info.state.messages, outstanding, leftovers, storedJobs };
      },
      readEvents,
      [Symbol.asyncDispose]: cleanUp,
    };
    return harness;
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Waits until every job is acknowledged: a settled run may leave the last ack in flight for a moment. */
export async function waitForEmptyQueue(harness: ReliabilityHarness, timeoutMs = 15_000): Promise<QueueState> {
  const deadline = performance.now() + timeoutMs;
  let state = await harness.queueState();
  while (performance.now() < deadline && (state.jobsInStream > 0 || Object.values(state.outstanding).some((count) => count > 0))) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    state = await harness.queueState();
  }
  return state;
}
