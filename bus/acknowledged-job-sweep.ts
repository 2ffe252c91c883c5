import type { ConsumerInfo, JetStreamManager, NatsConnection, Status } from "nats";
import type { Logger } from "pino";
import { headerNames } from "./headers.ts";
import { findStoredResult } from "./job-results.ts";
import { isNotFound } from "./resources.ts";
import { storedMessages } from "./stored-messages.ts";
import type { Subjects } from "./subjects.ts";

/**
 * After nats-server is killed (not stopped), the removal of jobs acknowledged just before the crash
 * can be lost: they come back in the work-queue stream below the consumer's ack floor, where nothing
 * delivers them again, and they would stay forever. Below the ack floor every job was delivered and
 * acknowledged, so one whose result is stored was done: the sweep deletes it. One without a stored
 * result is kept and reported, never silently dropped.
 */
export async function sweepAcknowledgedJobs(options: {
  jsm: JetStreamManager;
  subjects: Subjects;
  agent: string;
  logger: Logger;
  /** The consumer's state just read by the caller (an agent at start-up has it): saves looking it up again. */
  consumerInfo?: ConsumerInfo;
}): Promise<{ removed: number; kept: number }> {
  const { jsm, subjects, agent, logger } = options;
  const consumer = options.consumerInfo ?? (await jsm.consumers.info(subjects.jobsStream, subjects.consumerName(agent)));
  const floor = consumer.ack_floor.stream_seq;
  let removed = 0;
  let kept = 0;
  if (floor === 0) return { removed, kept };
  for await (const message of storedMessages(jsm, subjects.jobsStream, subjects.job(agent))) {
    if (message.seq > floor) break;
    const runId = message.header?.get(headerNames.runId) ?? "";
    const jobId = message.header?.get(headerNames.jobId) ?? "";
    // A failed look-up throws: the sweep is retried, rather than the job being reported as unanswered.
    const stored = runId && jobId ? await findStoredResult(jsm, subjects, { runId, agent, jobId }) : undefined;
    if (!stored) {
      kept++;
      logger.warn({ sequence: message.seq, runId, jobId }, "an acknowledged job without a stored result is still in the work queue; left for an operator");
      continue;
    }
    // Another replica sweeping at the same time may have deleted it first.
    const deleted = await jsm.streams.deleteMessage(subjects.jobsStream, message.seq, false).catch((error: unknown) => {
      if (isNotFound(error)) return false;
      throw error;
    });
    if (deleted) removed++;
  }
  if (removed > 0) logger.info({ removed, ackFloor: floor }, "removed acknowledged jobs that a server crash left in the work queue");
  return { removed, kept };
}

/**
 * Sweeps now and again after every reconnect (a restarted server), a few seconds later so stream
 * leaders are elected; a sweep that fails is retried with a growing delay until one succeeds.
 */
export function sweepAfterReconnects(options: {
  connection: NatsConnection;
  jsm: JetStreamManager;
  subjects: Subjects;
  agent: string;
  logger: Logger;
  delayMs?: number;
  /** The consumer as the agent found it at start-up, for the first sweep; later sweeps read it afresh. */
  consumerInfo?: ConsumerInfo;
}): { stop(): void } {
  const firstDelayMs = options.delayMs ?? 3000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (delayMs: number, attempt: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => void sweep(attempt), delayMs);
    timer.unref?.();
  };
  // Only the first sweep may use the state read at start-up; every later one (a retry, a reconnect) reads it afresh.
  const { consumerInfo: startUpInfo, ...sweepOptions } = options;
  const sweep = async (attempt: number, consumerInfo?: ConsumerInfo) => {
    if (stopped) return;
    try {
      await sweepAcknowledgedJobs({ ...sweepOptions, ...(consumerInfo ? { consumerInfo } : {}) });
    } catch (error) {
      const retryMs = Math.min(60_000, firstDelayMs * 2 ** attempt);
      options.logger.warn({ err: error, retryMs }, "work-queue sweep failed; retrying");
      if (!stopped) schedule(retryMs, attempt + 1);
    }
  };
  // nats.js returns a queued iterator whose stop() unregisters it; its type only says AsyncIterable.
  const statuses = options.connection.status() as AsyncIterable<Status> & { stop?(): void };
  void sweep(0, startUpInfo);
  void (async () => {
    for await (const status of statuses) {
      if (status.type === "reconnect") schedule(firstDelayMs, 0);
    }
  })();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      statuses.stop?.();
    },
  };
}
