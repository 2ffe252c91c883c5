import type { Logger } from "pino";
import { BusError } from "../errors/index.ts";
import { createLogger } from "../logging/logger.ts";
import type { AspEvent } from "../schemas/event.ts";
import { systemClock, type Clock } from "./clock.ts";
import { toCodec } from "./codec.ts";
import type { AgentDefinition } from "./define-agent.ts";
import { stampEvent } from "./event-stamp.ts";
import type { EventPublisher } from "./events.ts";
import { headerNames, jobMetadataToHeaders, readJobMetadata } from "./headers.ts";
import { deliverUntilSettled, type InMemoryDelivery } from "./in-memory-delivery.ts";
import type { AwaitOptions, JobClient, JobReply, SubmitOptions } from "./job-client.ts";
import { jobCancelledError } from "./job-cancellation.ts";
import { jobIds } from "./job-ids.ts";
import { decodeResult, type StoredResult } from "./job-results.ts";
import type { PayloadStore } from "./large-payload.ts";

export type { InMemoryDelivery };

export interface InMemoryRuntimeOptions {
  clock?: Clock;
  /** Handlers' child loggers come from it; silent by default. */
  logger?: Logger;
}

export interface InMemoryRegistration {
  /** Overrides the definition's maxDeliver (default 5, as runAgent). */
  maxDeliver?: number;
  instanceId?: string;
}

/** The ids of one job the test runs directly (the orchestrator's role). */
export interface InMemoryJobOptions {
  runId?: string;
  jobId?: string;
  taskId?: string;
  /** How long the caller waits for the result (default 60 s). */
  timeoutMs?: number;
}

export interface InMemoryRuntime {
  /** An agent joins the runtime: its jobs run its handler with these deps (or deps built from the runtime itself). */
  register<I, O, D>(definition: AgentDefinition<I, O, D>, deps: D | ((runtime: InMemoryRuntime) => D), options?: InMemoryRegistration): void;
  /** The job client every registered agent's deps should use: a request runs the target agent's handler here. */
  jobs: JobClient;
  /** Runs one job of a registered agent through its own codecs, as a caller on the bus would, and returns its output. */
  run<I, O>(definition: AgentDefinition<I, O, never> | AgentDefinition<I, O, any>, input: I, options?: InMemoryJobOptions): Promise<O>;
  /** Every event of every job, in the order published, validated by the event schema. */
  events: AspEvent[];
  eventsOf(runId: string): AspEvent[];
  eventsOfType(type: string, runId?: string): AspEvent[];
  /** Every delivery of every job, redeliveries included. */
  deliveries: InMemoryDelivery[];
}

interface Registered {
  start(job: { data: Uint8Array; headers: Record<string, string>; signal: AbortSignal }): Promise<StoredResult>;
}

const defaultTimeoutMs = 60_000;

/** Nothing travels through an object store in memory: a body is as large as it is. */
const passThroughPayloads: PayloadStore = {
  limitBytes: Number.POSITIVE_INFINITY,
  toMessage: async (payload) => ({ data: payload.data, headers: { ...(payload.headers ?? {}) } }),
  fromMessage: async (data) => data,
};

/**
 * The `runAgent` contract without NATS, for unit tests of handlers (and of plug-ins). A registered
 * agent's job is encoded with the caller's codec, decoded and validated with the agent's, handled with
 * a full JobContext, its output encoded with the agent's codec and decoded with the caller's, by the
 * same functions the bus uses (bus/job-execution.ts, bus/job-results.ts). A job id answered once is
 * answered from its stored result again, as the results stream does; an error comes back rebuilt as
 * its class. A request to an agent nobody registered fails at once, as a queue timeout would: in
 * memory no worker can come later.
 */
export function createInMemoryRuntime(options: InMemoryRuntimeOptions = {}): InMemoryRuntime {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ name: "in-memory-runtime", level: "silent" });
  const agents = new Map<string, Registered>();
  const results = new Map<string, Promise<StoredResult>>();
  const events: AspEvent[] = [];
  const deliveries: InMemoryDelivery[] = [];
  let sequence = 0;
  const key = (runId: string, agent: string, jobId: string) => `${runId}/${agent}/${jobId}`;

  function publisherFor(instanceId: string): EventPublisher {
    return {
      async publish(input) {
        const event = stampEvent(input, { clock, instanceId });
        events.push(event);
        return event;
      },
    };
  }

  function submitted<I>(agent: string, input: I, submitOptions: SubmitOptions<I>, signal: AbortSignal): { jobId: string; duplicate: boolean; result: Promise<StoredResult> } {
    const jobId = submitOptions.jobId ?? jobIds.inMemory(++sequence);
    const existing = results.get(key(submitOptions.runId, agent, jobId));
    if (existing) return { jobId, duplicate: true, result: existing };
    const worker = agents.get(agent);
    if (!worker) {
      throw new BusError(`no worker took agent ${agent}, job ${jobId} (run ${submitOptions.runId}): no such agent is registered in the in-memory runtime`, {
        code: "job_queue_timeout",
        details: { agent, runId: submitOptions.runId, jobId },
      });
    }
    const encoded = submitOptions.inputCodec.encode(input);
    const headers = {
      ...(submitOptions.headers ?? {}),
      ...(encoded.headers ?? {}),
      [headerNames.contentType]: submitOptions.inputCodec.contentType,
      ...jobMetadataToHeaders({ runId: submitOptions.runId, jobId, agent, taskId: submitOptions.taskId, traceId: submitOptions.traceId ?? jobId, attempt: 1 }),
    };
    const result = worker.start({ data: encoded.data, headers, signal });
    results.set(key(submitOptions.runId, agent, jobId), result);
    return { jobId, duplicate: false, result };
  }

  /** Waits as a caller does: the result, or a timeout or the caller's abort, which cancel the job. */
  async function waitFor<O>(agent: string, result: Promise<StoredResult>, awaitOptions: AwaitOptions<O>, cancel?: AbortController): Promise<JobReply<O>> {
    const where = `agent ${agent}, job ${awaitOptions.jobId}`;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const givenUp = new Promise<never>((_, reject) => {
      const timeoutMs = (awaitOptions.queueTimeoutMs ?? 0) + awaitOptions.timeoutMs;
      timer = setTimeout(() => {
        const error = new BusError(`no result from ${where} (run ${awaitOptions.runId}) within ${awaitOptions.timeoutMs} ms`, { code: "job_timeout", details: { agent, runId: awaitOptions.runId, jobId: awaitOptions.jobId } });
        cancel?.abort(jobCancelledError(`job ${awaitOptions.jobId} was cancelled by its caller`, { why: "timeout" }));
        reject(error);
      }, timeoutMs);
      onAbort = () => {
        cancel?.abort(awaitOptions.signal?.reason);
        reject(awaitOptions.signal?.reason);
      };
      awaitOptions.signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      awaitOptions.signal?.throwIfAborted();
      const stored = await Promise.race([result, givenUp]);
      const output = await decodeResult(stored, awaitOptions.outputCodec, passThroughPayloads, where);
      return { output, headers: stored.headers, jobId: awaitOptions.jobId };
    } finally {
      clearTimeout(timer);
      if (onAbort) awaitOptions.signal?.removeEventListener("abort", onAbort);
    }
  }

  const jobs: JobClient = {
    async request(agent, input, requestOptions) {
      const cancel = new AbortController();
      const job = submitted(agent, input, requestOptions, cancel.signal);
      return waitFor(agent, job.result, { ...requestOptions, jobId: job.jobId }, job.duplicate ? undefined : cancel);
    },
    async submit(agent, input, submitOptions) {
      const job = submitted(agent, input, submitOptions, new AbortController().signal);
      // Nobody may await a submitted job; its failure is in its stored result, not an unhandled rejection.
      job.result.catch(() => undefined);
      return { jobId: job.jobId, duplicate: job.duplicate, sequence: ++sequence };
    },
    async awaitResult(agent, awaitOptions) {
      const result = results.get(key(awaitOptions.runId, agent, awaitOptions.jobId));
      if (!result) {
        throw new BusError(`no result from agent ${agent}, job ${awaitOptions.jobId} (run ${awaitOptions.runId}): it was never submitted to the in-memory runtime`, { code: "job_timeout" });
      }
      return waitFor(agent, result, awaitOptions);
    },
  };

  const runtime: InMemoryRuntime = {
    jobs,
    events,
    deliveries,
    eventsOf: (runId) => events.filter((event) => event.runId === runId),
    eventsOfType: (type, runId) => events.filter((event) => event.type === type && (runId === undefined || event.runId === runId)),
    register(definition, deps, registration = {}) {
      const instanceId = registration.instanceId ?? `${definition.name}-memory`;
      const agentLogger = logger.child({ agent: definition.name, instance: instanceId });
      // Built lazily: deps that hold the runtime's job client may register after the agents they call.
      let environment: Parameters<typeof deliverUntilSettled>[0] | undefined;
      const environmentOf = () =>
        (environment ??= {
          definition: definition as AgentDefinition<unknown, unknown, unknown>,
          inputCodec: toCodec(definition.input),
          outputCodec: toCodec(definition.output),
          payloads: passThroughPayloads,
          events: publisherFor(instanceId),
          logger: agentLogger,
          clock,
          instanceId,
          deps: typeof deps === "function" ? (deps as (runtime: InMemoryRuntime) => unknown)(runtime) : deps,
        });
      const settings = {
        maxDeliver: registration.maxDeliver ?? definition.maxDeliver ?? 5,
        backoffMs: definition.backoffMs ?? [1000, 5000, 15_000],
        record: (delivery: InMemoryDelivery) => void deliveries.push(delivery),
      };
      agents.set(definition.name, {
        start: ({ data, headers, signal }) => {
          // The ids become subject tokens on the bus: a job the bus could not address is refused here too.
          const metadata = readJobMetadata(headers, { agent: definition.name });
          return deliverUntilSettled(environmentOf(), settings, { metadata, data, headers, signal, logger: agentLogger });
        },
      });
    },
    async run(definition, input, jobOptions = {}) {
      const runId = jobOptions.runId ?? "run-1";
      const reply = await jobs.request(definition.name, input, {
        runId,
        jobId: jobOptions.jobId ?? jobIds.inMemory(++sequence, runId, definition.name),
        ...(jobOptions.taskId ? { taskId: jobOptions.taskId } : {}),
        inputCodec: toCodec(definition.input),
        outputCodec: toCodec(definition.output),
        timeoutMs: jobOptions.timeoutMs ?? defaultTimeoutMs,
      });
      return reply.output;
    },
  };
  return runtime;
}
