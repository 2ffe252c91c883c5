import type { NatsConnection, Subscription } from "nats";
import { fleetAgents } from "../../../agents/registry.ts";
import { safeParseEvent } from "../../../bus/events.ts";
import type { LocalNatsServer } from "../../../bus/local-server.ts";
import type { Subjects } from "../../../bus/subjects.ts";
import type { Fleet, FleetProcess } from "../../../cli/fleet.ts";
import { startLoopbackPipeline, type RunOutcome } from "../../support/loopback-pipeline.ts";
import type { AspEvent } from "../../../schemas/event.ts";
import type { Task } from "../../../schemas/task.ts";
import type { ModelSimulator } from "../../../simulator/index.ts";

export type { RunOutcome };

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
  /** Starts one more agent process (a replica or a replacement). */
  addAgent(name: string): Promise<FleetProcess>;
  /** SIGKILL: a crash, no drain. */
  crash(process: FleetProcess): Promise<void>;
  /** Kills nats-server (SIGKILL) and starts it again on the same port and data directory. */
  restartServer(downMs?: number): Promise<void>;
  /** Where every agent process writes its log: a failing test prints their tails. */
  logDirectory: string;
  watch(runId: string): RunWatch;
  run(task: Task, runId: string, timeoutMs?: number): Promise<RunOutcome>;
  queueState(): Promise<QueueState>;
  readEvents(runId: string): Promise<AspEvent[]>;
}

/**
 * The loopback pipeline (tests/support/loopback-pipeline.ts), with what crash tests need on top: adding and
 * SIGKILLing agent processes, killing and restarting nats-server on the same port and store, watching
 * a run's live events, and the state of the work queue. A short ack wait moves a crashed worker's job
 * on in seconds.
 */
export async function startReliabilityHarness(options: {
  scenario: object;
  writers?: number;
  agents?: string[];
  ackWaitMs?: number;
  env?: Record<string, string>;
}): Promise<ReliabilityHarness> {
  const pipeline = await startLoopbackPipeline({
    name: "rel",
    scenario: options.scenario,
    agents: options.agents ?? fleetAgents,
    writers: options.writers ?? 2,
    env: { ASP_ACK_WAIT_MS: String(options.ackWaitMs ?? 2000), ASP_LLM_RETRY_BASE_MS: "5", ASP_LLM_RETRY_MAX_MS: "50", ...options.env },
    // Generous: on two cores, two fleets starting at once (plus other test files) are slow to compile.
    readyTimeoutMs: 180_000,
  });
  const { connection, subjects } = pipeline;
  try {
    const harness: ReliabilityHarness = {
      get server() {
        return pipeline.server;
      },
      subjects,
      connection,
      simulator: pipeline.simulator,
      fleet: pipeline.fleet,
      addAgent: (name) => pipeline.addAgent(name),
      async crash(process) {
        if (process.child.exitCode !== null || process.child.signalCode !== null) return;
        const exited = new Promise((resolve) => process.child.once("exit", resolve));
        process.child.kill("SIGKILL");
        await exited;
      },
      restartServer: (downMs) => pipeline.restartServer(downMs),
      logDirectory: pipeline.logDirectory,
      watch(runId) {
        const events: AspEvent[] = [];
        const waiters = new Set<() => void>();
        const subscription: Subscription = connection.subscribe(subjects.runEvents(runId), {
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
      run: (task, runId, timeoutMs) => pipeline.run(task, { runId, ...(timeoutMs ? { timeoutMs } : {}) }),
      async queueState() {
        const jsm = await connection.jetstreamManager();
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
      readEvents: (runId) => pipeline.events(runId),
      [Symbol.asyncDispose]: () => pipeline[Symbol.asyncDispose](),
    };
    return harness;
  } catch (error) {
    await pipeline[Symbol.asyncDispose]();
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
