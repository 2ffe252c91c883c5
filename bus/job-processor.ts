import { context, trace } from "@opentelemetry/api";
import type { JetStreamClient, JetStreamManager, JsMsg } from "nats";
import type { Logger } from "pino";
import { isRetryable, serializeError } from "../errors/index.ts";
import { eventTypes } from "../schemas/event.ts";
import type { EventDataInput, EventType } from "../schemas/events/index.ts";
import { headerNames, headersToRecord, readJobMetadata, unaddressableRunId, type JobMetadata } from "./headers.ts";
import { jobCancelledEvent } from "./job-cancellation.ts";
import { executeJob, type ExecutionEnvironment } from "./job-execution.ts";
import { errorResultMessage, findStoredResult, publishResult } from "./job-results.ts";
import type { JobAddress } from "./job-address.ts";
import { jobEvent } from "./job-events.ts";
import type { JobStats } from "./job-stats.ts";
import type { Subjects } from "./subjects.ts";
import { jobIds } from "./job-ids.ts";
import { startJobSpan, type JobSpan } from "./tracing/job-span.ts";
import { globalTracer } from "./tracing/tracing.ts";

/** The agent whose job is a whole run: its job span is the run's span. */
const runAgentName = "orchestrator";

export interface ProcessorSettings {
  js: JetStreamClient;
  jsm: JetStreamManager;
  subjects: Subjects;
  ackWaitMs: number;
  maxDeliver: number;
  backoffMs: number[];
  stats: JobStats;
  /** Tells the job's caller a worker has it: the caller's work timeout starts now (bus/job-deadline.ts). */
  announceTaken?: (metadata: JobMetadata, instanceId: string) => void;
  /** True when the caller cancelled this job before this worker got to it. */
  wasCancelled?: (runId: string, jobId: string) => boolean;
}

export interface InFlightJob {
  message: JsMsg;
  abort: AbortController;
  /** Set when a drain gave the job back: its late outcome must not be acked. */
  handedBack: boolean;
  /** Set when its caller cancelled it: it is dropped, with no result. */
  cancelled?: boolean;
  /** Known once its headers are read; a cancellation finds the job by it. */
  address?: JobAddress;
}

/**
 * One JetStream delivery, start to finish. The ack comes last, after the result is stored:
 * a crash anywhere before it means redelivery, and the stored result makes that harmless.
 */
export async function processJobMessage<I, O, D>(
  environment: ExecutionEnvironment<I, O, D>,
  settings: ProcessorSettings,
  job: InFlightJob,
): Promise<void> {
  const { message } = job;
  const headers = headersToRecord(message.headers);
  const attempt = message.info.deliveryCount;
  const agent = environment.definition.name;
  let metadata: JobMetadata;
  try {
    // Pulled from this agent's consumer, so it is this agent's job whatever its header says: events and
    // results go under this agent's subjects, the only ones its permissions allow.
    metadata = { ...readJobMetadata(headers, { agent }), agent, attempt };
  } catch (error) {
    // Without a run and job id there is nowhere to answer; terminate rather than redeliver forever,
    // and report it under a reserved run id so the rejection is visible rather than silent.
    environment.logger.error({ err: error, sequence: message.seq }, "job without ids terminated");
    await reportUnaddressable(environment, settings, message.seq, attempt, error);
    message.term();
    return;
  }
  const logger = environment.logger.child({ runId: metadata.runId, jobId: metadata.jobId, attempt });
  const address: JobAddress = { runId: metadata.runId, agent, jobId: metadata.jobId };
  job.address = address;
  const jobSpan = startJobSpan(environment.tracer ?? globalTracer(), {
    metadata,
    headers,
    subject: message.subject,
    instanceId: environment.instanceId,
    isRun: agent === runAgentName,
  });
  // The job's span is current for everything that follows: its handler's own jobs, its events and its
  // result carry its context in their headers, whichever process reads them.
  try {
    await context.with(trace.setSpan(context.active(), jobSpan.span), () => processAddressedJob(environment, settings, job, { metadata, headers, logger, address, jobSpan }));
  } catch (error) {
    // The bus failed under the job (bus/run-agent.ts hands it back): this delivery failed, the job is retried.
    jobSpan.retrying(serializeError(error), settings.backoffMs[0] ?? 1000);
    throw error;
  } finally {
    jobSpan.end();
  }
}

/** One delivery whose ids are known, inside its span. */
async function processAddressedJob<I, O, D>(
  environment: ExecutionEnvironment<I, O, D>,
  settings: ProcessorSettings,
  job: InFlightJob,
  addressed: { metadata: JobMetadata; headers: Record<string, string>; logger: Logger; address: JobAddress; jobSpan: JobSpan },
): Promise<void> {
  const { message } = job;
  const { metadata, headers, logger, address, jobSpan } = addressed;
  const attempt = metadata.attempt;
  const emit = <T extends EventType>(type: T, data: EventDataInput<T>) =>
    environment.events
      .publish(jobEvent(metadata, type, data))
      .catch((error: unknown) => logger.warn({ err: error, type }, "could not publish event"));

  if (settings.wasCancelled?.(metadata.runId, metadata.jobId)) {
    logger.info("job cancelled by its caller before it started; dropping it");
    jobSpan.released("cancelled");
    message.term();
    await emit(jobCancelledEvent, { instance: environment.instanceId, started: false });
    return;
  }

  if (await findStoredResult(settings.jsm, settings.subjects, address)) {
    logger.info("result already stored for this job; acknowledging the redelivery");
    jobSpan.released("already_answered");
    message.ack();
    return;
  }

  settings.stats.started();
  settings.announceTaken?.(metadata, environment.instanceId);
  // Sent now and acknowledged while the handler runs; awaited before the result is published (best
  // effort: a lifecycle event that cannot be stored is logged, it does not fail the job).
  const started = emit(eventTypes.jobStarted, { instance: environment.instanceId });
  const heartbeat = setInterval(() => message.working(), Math.max(100, Math.floor(settings.ackWaitMs / 3)));
  const outcome = await executeJob(environment, {
    metadata,
    data: message.data,
    headers,
    signal: job.abort.signal,
    working: () => message.working(),
    logger,
  }).finally(() => clearInterval(heartbeat));
  await started;
  if (job.handedBack) {
    settings.stats.abandoned();
    jobSpan.released("handed_back");
    return;
  }
  if (job.cancelled) {
    // Nobody waits for it: no result (a caller that asks again uses a new job id), and no redelivery.
    settings.stats.abandoned();
    jobSpan.released("cancelled");
    logger.info({ ok: outcome.ok }, "job cancelled by its caller; dropped");
    message.term();
    await emit(jobCancelledEvent, { instance: environment.instanceId, started: true, durationMs: Math.round(outcome.durationMs) });
    return;
  }

  if (outcome.ok) {
    const stored = await environment.payloads
      .toMessage(outcome.encoded, `${metadata.runId}/${metadata.jobId}/result`)
      .then((payload) => publishResult(settings.js, settings.subjects, address, {
        data: payload.data,
        headers: { ...payload.headers, [headerNames.contentType]: environment.outputCodec.contentType },
      }))
      .then(() => true)
      .catch((error: unknown) => {
        logger.error({ err: error }, "could not store the result; handing the job back");
        return false;
      });
    if (!stored) {
      jobSpan.released("result_not_stored");
      settings.stats.finished("failed", outcome.durationMs);
      message.nak(settings.backoffMs[0] ?? 1000);
      return;
    }
    settings.stats.finished("completed", outcome.durationMs);
    jobSpan.completed();
    // The result is stored, so the ack need not wait for the lifecycle event (best effort, as every event after a result).
    message.ack();
    await emit(eventTypes.jobCompleted, { durationMs: Math.round(outcome.durationMs) });
    return;
  }

  settings.stats.finished("failed", outcome.durationMs);
  const reason = serializeError(outcome.error);
  if (outcome.stage === "decode") {
    logger.warn({ reason }, "job input failed to decode");
    jobSpan.rejected(reason);
    // Events before results, here and below: whoever the error result wakes finds the failure recorded.
    await emit(eventTypes.jobFailed, { stage: "decode", reason: reason.message, error: reason, final: true });
    await publishResult(settings.js, settings.subjects, address, errorResultMessage(outcome.error)).catch((error: unknown) =>
      logger.error({ err: error }, "could not publish the error result"),
    );
    message.term();
    return;
  }

  const retry = isRetryable(outcome.error) && attempt < settings.maxDeliver;
  if (retry) {
    const delay = settings.backoffMs[Math.min(attempt - 1, settings.backoffMs.length - 1)] ?? 0;
    logger.warn({ reason, delayMs: delay }, "job failed; it will be retried");
    jobSpan.retrying(reason, delay);
    await emit(eventTypes.jobFailed, { stage: outcome.stage, reason: reason.message, error: reason, final: false, retryInMs: delay });
    message.nak(delay);
    return;
  }
  const why = isRetryable(outcome.error) ? `failed on the last attempt (${attempt} of ${settings.maxDeliver})` : "failed with a non-retryable error";
  logger.error({ reason }, `job ${why}; dead letter`);
  jobSpan.deadLetter(reason, why);
  await emit(eventTypes.jobDeadLetter, { stage: outcome.stage, reason: `${reason.message} (${why})`, error: reason, attempts: attempt });
  await publishResult(settings.js, settings.subjects, address, errorResultMessage(outcome.error)).catch((error: unknown) =>
    logger.error({ err: error }, "could not publish the error result"),
  );
  message.term();
}


async function reportUnaddressable<I, O, D>(
  environment: ExecutionEnvironment<I, O, D>,
  settings: ProcessorSettings,
  sequence: number,
  attempt: number,
  error: unknown,
): Promise<void> {
  const agent = environment.definition.name;
  const jobId = jobIds.unaddressable(sequence);
  const reason = serializeError(error);
  await publishResult(settings.js, settings.subjects, { runId: unaddressableRunId, agent, jobId }, errorResultMessage(error)).catch(
    (failure: unknown) => environment.logger.error({ err: failure }, "could not publish the error result"),
  );
  await environment.events
    .publish(jobEvent({ runId: unaddressableRunId, agent, jobId, attempt }, eventTypes.jobDeadLetter, { stage: "headers", reason: reason.message, error: reason, sequence }))
    .catch((failure: unknown) => environment.logger.warn({ err: failure }, "could not publish event"));
}
