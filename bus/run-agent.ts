import { nuid, type Consumer, type NatsConnection, type Service } from "nats";
import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "pino";
import { systemClock, type Clock } from "./clock.ts";
import { toCodec } from "./codec.ts";
import { sweepAfterReconnects } from "./acknowledged-job-sweep.ts";
import { listenForDeadLetters } from "./dead-letter-listener.ts";
import type { AgentDefinition } from "./define-agent.ts";
import { createDirectHandler } from "./direct-endpoint.ts";
import { createEventPublisher } from "./events.ts";
import { jobCancelledError, RecentCancellations } from "./job-cancellation.ts";
import type { ExecutionEnvironment } from "./job-execution.ts";
import { processJobMessage, type InFlightJob } from "./job-processor.ts";
import { JobStats, type JobStatsSnapshot } from "./job-stats.ts";
import { createPayloadStore } from "./large-payload.ts";
import { jobConsumerConfig, jobConsumerSettings, openJobConsumer } from "./job-consumer.ts";
import { showJobsInEndpointStats } from "./service-job-stats.ts";
import type { Subjects } from "./subjects.ts";

export interface RunAgentDependencies<D> {
  connection: NatsConnection;
  subjects: Subjects;
  logger: Logger;
  deps: D;
  clock?: Clock;
  instanceId?: string;
  /** Override the definition's settings (tests use short ack waits). */
  ackWaitMs?: number;
  maxDeliver?: number;
  backoffMs?: number[];
  concurrency?: number;
  /** How long a pull waits for a job; also the longest a drain waits for an idle pull to end. */
  pullExpiresMs?: number;
  /** How long stop() lets in-flight jobs finish before handing them back. */
  drainTimeoutMs?: number;
  /** The tracer of this process's job spans (bus/tracing/start-tracing.ts); the API's global when absent. */
  tracer?: Tracer;
}

export interface RunningAgent {
  instanceId: string;
  stats(): JobStatsSnapshot;
  stop(): Promise<void>;
}

/** The service endpoint that stands for the work queue in `$SRV.INFO` and `$SRV.STATS`. */
const jobsEndpointName = "jobs";

export async function runAgent<I, O, D>(
  definition: AgentDefinition<I, O, D>,
  dependencies: RunAgentDependencies<D>,
): Promise<RunningAgent> {
  const { connection, subjects } = dependencies;
  const agent = definition.name;
  const instanceId = dependencies.instanceId ?? `${agent}-${nuid.next().slice(-8)}`;
  const logger = dependencies.logger.child({ agent, instance: instanceId });
  const { ackWaitMs, maxDeliver } = jobConsumerSettings(definition, { ackWaitMs: dependencies.ackWaitMs, maxDeliver: dependencies.maxDeliver });
  const backoffMs = dependencies.backoffMs ?? definition.backoffMs ?? [1000, 5000, 15_000];
  const concurrency = Math.max(1, dependencies.concurrency ?? definition.concurrency ?? 1);
  // The client refuses pulls shorter than one second.
  const pullExpiresMs = Math.max(1000, dependencies.pullExpiresMs ?? 2000);
  const clock = dependencies.clock ?? systemClock;
  const js = connection.jetstream();
  const jsm = await connection.jetstreamManager();
  const events = createEventPublisher({ connection, subjects, clock, instanceId });
  const stats = new JobStats();
  const environment: ExecutionEnvironment<I, O, D> = {
    definition,
    inputCodec: toCodec(definition.input),
    outputCodec: toCodec(definition.output),
    payloads: createPayloadStore({ connection, subjects }),
    events,
    logger,
    clock,
    instanceId,
    deps: dependencies.deps,
    ...(dependencies.tracer ? { tracer: dependencies.tracer } : {}),
  };

  // In a fleet its starter created the consumer (decision 1415): one look-up here, no create or update.
  const consumer = await openJobConsumer(js, jsm, subjects, jobConsumerConfig(subjects, agent, { ackWaitMs, maxDeliver }));

  const deadLetters = listenForDeadLetters({ connection, js, jsm, subjects, agent, events, logger, ...(dependencies.tracer ? { tracer: dependencies.tracer } : {}) });
  // The consumer's state came with the look-up: the start-up sweep reads its ack floor from it.
  const sweeps = sweepAfterReconnects({ connection, jsm, subjects, agent, logger, consumerInfo: await consumer.info(true) });
  const lifetime = new AbortController();
  const service: Service = await connection.services.add({
    name: agent,
    version: definition.version,
    description: definition.description ?? agent,
    metadata: { namespace: subjects.namespace, instance: instanceId },
    statsHandler: async (endpoint) => {
      const snapshot = stats.snapshot();
      if (endpoint.subject === subjects.jobStats(agent)) showJobsInEndpointStats(endpoint, snapshot);
      return snapshot;
    },
  });
  // The work the job stream brings, visible to generic NATS tooling; a request here gets this replica's counters.
  service.addEndpoint(jobsEndpointName, {
    subject: subjects.jobStats(agent),
    metadata: { source: subjects.job(agent) },
    handler: (error, message) => {
      if (error) return logger.warn({ err: error }, "jobs endpoint error");
      message.respond(new TextEncoder().encode(JSON.stringify(stats.snapshot())));
    },
  });
  const direct = createDirectHandler(environment, stats, lifetime.signal);
  service.addEndpoint("direct", {
    subject: subjects.direct(agent),
    handler: (error, message) => {
      if (error) return logger.warn({ err: error }, "direct endpoint error");
      direct(message).catch((failure: unknown) => logger.error({ err: failure }, "direct request crashed"));
    },
  });

  const inFlight = new Set<InFlightJob>();
  let stopping = false;
  const cancellations = listenForCancellations();
  const settings = {
    js,
    jsm,
    subjects,
    ackWaitMs,
    maxDeliver,
    backoffMs,
    stats,
    // Core NATS, nothing stored: a caller that misses it still has its queue timeout (bus/job-deadline.ts).
    announceTaken: (metadata: { runId: string; jobId: string; attempt: number }, instance: string) =>
      connection.publish(subjects.jobTaken(metadata.runId, agent, metadata.jobId), new TextEncoder().encode(JSON.stringify({ instance, attempt: metadata.attempt }))),
    wasCancelled: (runId: string, jobId: string) => cancellations.recent.has(runId, jobId),
  };

  /** A caller that gave a job up: the job's handler is aborted (its model call with it) and the job dropped. */
  function listenForCancellations() {
    const recent = new RecentCancellations();
    const subscription = connection.subscribe(subjects.agentJobCancels(agent), {
      callback: (error, message) => {
        if (error) return;
        // <ns>.job-cancel.<runId>.<agent>.<jobId>: the namespace is one token, so the positions are fixed.
        const [, , runId, , jobId] = message.subject.split(".");
        if (!runId || !jobId) return;
        recent.add(runId, jobId);
        for (const job of inFlight) {
          if (job.address?.runId !== runId || job.address.jobId !== jobId || job.cancelled) continue;
          job.cancelled = true;
          job.abort.abort(jobCancelledError(`job ${jobId} was cancelled by its caller`, { runId, jobId, why: message.string() }));
          logger.info({ runId, jobId }, "cancelling a job in flight");
        }
      },
    });
    return { recent, subscription };
  }
  // A slot must never reject unobserved: that would be an unhandled rejection in a worker holding jobs.
  for (let slot = 0; slot < concurrency; slot += 1) {
    void pullLoop(consumer).catch((error: unknown) => logger.error({ err: error }, "pull loop ended with an error"));
  }
  logger.info({ ackWaitMs, maxDeliver, concurrency }, "agent running");

  // Pull one message per free slot: a busy process asks for nothing, so a free replica takes the next job.
  async function pullLoop(source: Consumer): Promise<void> {
    while (!stopping && !connection.isClosed()) {
      let message;
      try {
        message = await source.next({ expires: pullExpiresMs });
      } catch (error) {
        if (stopping || connection.isClosed()) break;
        logger.warn({ err: error }, "pull failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (!message) continue;
      if (stopping) {
        message.nak();
        break;
      }
      const job: InFlightJob = { message, abort: new AbortController(), handedBack: false };
      inFlight.add(job);
      try {
        await processJobMessage(environment, settings, job);
      } catch (error) {
        // Only the bus failing can get here (results lookup, publish); the job is retried later.
        logger.error({ err: error }, "job processing failed; handing the job back");
        if (!job.handedBack) {
          try {
            message.nak(backoffMs[0] ?? 1000);
          } catch {
            // connection gone: the ack wait hands the job back anyway
          }
        }
      } finally {
        inFlight.delete(job);
        if (inFlight.size === 0) for (const settled of jobsSettledWaiters.splice(0)) settled();
      }
    }
  }

  const jobsSettledWaiters: Array<() => void> = [];
  function jobsInHandSettled(): Promise<void> {
    if (inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => jobsSettledWaiters.push(resolve));
  }

  let stopped: Promise<void> | undefined;
  return {
    instanceId,
    stats: () => stats.snapshot(),
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        logger.info({ inFlight: inFlight.size }, "draining");
        // Only the jobs in hand are waited for. An idle slot sits in a pull that cannot be cancelled and
        // ends only when it expires (up to pullExpiresMs, 2 s), which every `asp run` paid at its end;
        // a job the server hands to such a pull from now on is nak'ed by the loop, or, once the
        // connection has gone, redelivered after its ack wait.
        const drained = jobsInHandSettled();
        const grace = dependencies.drainTimeoutMs ?? 30_000;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          drained.then(() => false),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), grace))),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          for (const job of inFlight) {
            job.handedBack = true;
            job.abort.abort(new Error("agent is stopping"));
            job.message.nak();
          }
        }
        lifetime.abort(new Error("agent is stopping"));
        cancellations.subscription.unsubscribe();
        deadLetters.unsubscribe();
        sweeps.stop();
        await service.stop().catch(() => undefined);
        logger.info({ handedBack: timedOut }, "agent stopped");
      })();
      return stopped;
    },
  };
}
