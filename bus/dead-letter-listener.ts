import type { JetStreamClient, JetStreamManager, NatsConnection, Subscription } from "nats";
import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "pino";
import { AspError } from "../errors/index.ts";
import { eventTypes } from "../schemas/event.ts";
import type { EventPublisher } from "./events.ts";
import { headersToRecord, readJobMetadata } from "./headers.ts";
import type { JobAddress } from "./job-address.ts";
import { jobEvent } from "./job-events.ts";
import { errorResultMessage, findStoredResult, publishResult } from "./job-results.ts";
import type { Subjects } from "./subjects.ts";
import { withDeadLetterSpan } from "./tracing/dead-letter-span.ts";
import { globalTracer } from "./tracing/tracing.ts";

interface MaxDeliveriesAdvisory {
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

/**
 * When a worker dies on a job's last delivery nobody is left to report it: the server only sends
 * a MAX_DELIVERIES advisory. One replica per agent (queue group) turns it into an error result
 * and a dead-letter event, so the caller fails with a reason instead of waiting forever.
 */
export function listenForDeadLetters(options: {
  connection: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  subjects: Subjects;
  agent: string;
  events: EventPublisher;
  logger: Logger;
  tracer?: Tracer;
}): Subscription {
  const { subjects, agent, logger } = options;
  const consumer = subjects.consumerName(agent);
  const subject = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${subjects.jobsStream}.${consumer}`;
  return options.connection.subscribe(subject, {
    queue: `${subjects.namespace}-${agent}-dead-letters`,
    callback: (error, message) => {
      if (error) return;
      void Promise.resolve()
        .then(() => handleAdvisory(message.json<MaxDeliveriesAdvisory>()))
        .catch((failure: unknown) =>
        logger.error({ err: failure }, "could not turn a max-deliveries advisory into a dead letter"),
      );
    },
  });

  async function handleAdvisory(advisory: MaxDeliveriesAdvisory): Promise<void> {
    const stored = await options.jsm.streams.getMessage(subjects.jobsStream, { seq: advisory.stream_seq }).catch(() => undefined);
    if (!stored) return;
    let metadata;
    const headers = headersToRecord(stored.header);
    try {
      metadata = readJobMetadata(headers, { agent });
    } catch {
      // Nothing to report to; the processor already reported it. It must not stay in the queue.
      await options.jsm.streams.deleteMessage(subjects.jobsStream, advisory.stream_seq, false).catch(() => undefined);
      return;
    }
    const address: JobAddress = { runId: metadata.runId, agent, jobId: metadata.jobId };
    if (!(await findStoredResult(options.jsm, subjects, address))) {
      const reason = `job ${metadata.jobId} of agent ${agent} was delivered ${advisory.deliveries} times without completing (its workers stopped or timed out)`;
      const error = new AspError(reason, { code: "max_deliveries_exceeded", retryable: false, details: { deliveries: advisory.deliveries } });
      await withDeadLetterSpan(options.tracer ?? globalTracer(), { metadata: { ...metadata, agent }, headers, deliveries: advisory.deliveries, reason, code: error.code }, async () => {
        // The event first: whoever the error result wakes finds the dead letter already recorded.
        await options.events.publish(
          jobEvent({ ...metadata, agent, attempt: advisory.deliveries }, eventTypes.jobDeadLetter, { stage: "delivery", reason, attempts: advisory.deliveries }),
        );
        await publishResult(options.js, subjects, address, errorResultMessage(error));
      });
      logger.error({ runId: metadata.runId, jobId: metadata.jobId, deliveries: advisory.deliveries }, "job dead-lettered after max deliveries");
    }
    // The work queue would keep the exhausted job forever; it is recorded as a dead letter now.
    await options.jsm.streams.deleteMessage(subjects.jobsStream, advisory.stream_seq, false).catch(() => undefined);
  }
}
