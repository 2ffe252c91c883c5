import type { Logger } from "pino";
import { isRetryable, serializeError, type SerializedError } from "../errors/index.ts";
import { eventTypes } from "../schemas/event.ts";
import type { EventDataInput, EventType } from "../schemas/events/index.ts";
import { jobEvent } from "./job-events.ts";
import type { JobMetadata } from "./headers.ts";
import { headerNames } from "./headers.ts";
import { executeJob, type ExecutionEnvironment } from "./job-execution.ts";
import { errorResultMessage, type StoredResult } from "./job-results.ts";

/** One delivery of one job in memory, as a test reads it afterwards. */
export interface InMemoryDelivery {
  agent: string;
  runId: string;
  jobId: string;
  attempt: number;
  outcome: "completed" | "retried" | "dead_letter" | "rejected";
  /** `working()` calls the handler made during this delivery. */
  heartbeats: number;
  error?: SerializedError;
}

export interface DeliverySettings {
  maxDeliver: number;
  backoffMs: number[];
  record(delivery: InMemoryDelivery): void;
}

export interface QueuedJob {
  metadata: JobMetadata;
  data: Uint8Array;
  headers: Record<string, string>;
  signal: AbortSignal;
  logger: Logger;
}

/**
 * A job from its first delivery to its stored result, without JetStream. The steps are the job
 * processor's (bus/job-processor.ts): decode, handle and encode through the same executeJob, the same
 * lifecycle events, a retryable failure delivered again up to maxDeliver, and a final failure stored
 * as the same error result the bus stores, so the caller rebuilds it as its class. What differs: a
 * redelivery follows at once (the backoff is reported in the event, not waited), since nothing here
 * is shared with other processes that a pause would protect.
 */
export async function deliverUntilSettled<I, O, D>(environment: ExecutionEnvironment<I, O, D>, settings: DeliverySettings, job: QueuedJob): Promise<StoredResult> {
  const agent = environment.definition.name;
  for (let attempt = 1; ; attempt++) {
    const metadata = { ...job.metadata, attempt };
    const logger = job.logger.child({ runId: metadata.runId, jobId: metadata.jobId, attempt });
    const emit = <T extends EventType>(type: T, data: EventDataInput<T>) => environment.events.publish(jobEvent({ ...metadata, agent }, type, data)).then(() => undefined);
    const delivery: InMemoryDelivery = { agent, runId: metadata.runId, jobId: metadata.jobId, attempt, outcome: "completed", heartbeats: 0 };
    await emit(eventTypes.jobStarted, { instance: environment.instanceId });
    const outcome = await executeJob(environment, {
      metadata,
      data: job.data,
      headers: { ...job.headers, [headerNames.attempt]: String(attempt) },
      signal: job.signal,
      working: () => void delivery.heartbeats++,
      logger,
    });
    if (outcome.ok) {
      settings.record(delivery);
      await emit(eventTypes.jobCompleted, { durationMs: Math.round(outcome.durationMs) });
      return { data: outcome.encoded.data, headers: { ...(outcome.encoded.headers ?? {}), [headerNames.contentType]: environment.outputCodec.contentType } };
    }
    const reason = serializeError(outcome.error);
    if (outcome.stage === "decode") {
      settings.record({ ...delivery, outcome: "rejected", error: reason });
      await emit(eventTypes.jobFailed, { stage: "decode", reason: reason.message, error: reason, final: true });
      return errorResultMessage(outcome.error);
    }
    // A job its caller gave up is not delivered again: nobody waits for it.
    if (isRetryable(outcome.error) && attempt < settings.maxDeliver && !job.signal.aborted) {
      const delay = settings.backoffMs[Math.min(attempt - 1, settings.backoffMs.length - 1)] ?? 0;
      settings.record({ ...delivery, outcome: "retried", error: reason });
      await emit(eventTypes.jobFailed, { stage: outcome.stage, reason: reason.message, error: reason, final: false, retryInMs: delay });
      continue;
    }
    const why = isRetryable(outcome.error) ? `failed on the last attempt (${attempt} of ${settings.maxDeliver})` : "failed with a non-retryable error";
    settings.record({ ...delivery, outcome: "dead_letter", error: reason });
    await emit(eventTypes.jobDeadLetter, { stage: outcome.stage, reason: `${reason.message} (${why})`, error: reason, attempts: attempt });
    return errorResultMessage(outcome.error);
  }
}
