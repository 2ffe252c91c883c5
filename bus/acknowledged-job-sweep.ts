import type { JetStreamManager, NatsConnection } from "nats";
import type { Logger } from "pino";
import { headerNames } from "./headers.ts";
import { findStoredResult } from "./job-results.ts";
import { storedMessages } from "./stored-messages.ts";
import type { Subjects } from "./subjects.ts";

/**
 * After nats-server is killed (not stopped), the removal of jobs acknowledged just before the crash
 * can be lost: they come back in the work-queue stream below the consumer's ack floor, where nothing
 * delivers them again, and they would stay forever. Below the ack floor every job was delivered and
 * acknowledged, so one whose result is stored was done: the sweep deletes it. One without a stored
 * result is kept and reported, never silently dropped.
 */
export async function sweepAcknowledgedJobs(options: { jsm: JetStreamManager; subjects: Subjects; agent: string; logger: Logger }): Promise<{ removed: number; kept: number }> {
  const { jsm, subjects, agent, logger } = options;
  const consumer = await jsm.consumers.info(subjects.jobsStream, subjects.consumerName(agent));
  const floor = consumer.ack_floor.stream_seq;
  let removed = 0;
  let kept = 0;
  if (floor === 0) return { removed, kept };
  for await (const message of storedMessages(jsm, subjects.jobsStream, subjects.job(agent))) {
    if (message.seq > floor) break;
    const runId = message.header?.get(headerNames.runId) ?? "";
    const jobId = message.header?.get(headerNames.jobId) ?? "";
    const stored = runId && jobId ? await findStoredResult(jsm, subjects, { runId, agent, jobId }).catch(() => undefined) : undefined;
    if (stored) {
      await jsm.streams.deleteMessage(subjects.jobsStream, message.seq, false);
      removed++;
    } else {
      kept++;
      logger.warn({ sequence: message.seq, runId, jobId }, "an acknowledged job without a stored result is still in the work queue; left for an operator");
    }
  }
  if (removed > 0) logger.info({ removed, ackFloor: floor }, "removed acknowledged jobs that a server crash left in the work queue");
  return { removed, kept };
}

/** Sweeps once now and again after every reconnect (a restarted server), a few seconds later so leaders are elected. */
export function sweepAfterReconnects(options: { connection: NatsConnection; jsm: JetStreamManager; subjects: Subjects; agent: string; logger: Logger; delayMs?: number }): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const sweep = () =>
    void sweepAcknowledgedJobs(options).catch((error: unknown) => options.logger.warn({ err: error }, "work-queue sweep failed; it runs again after the next reconnect"));
  sweep();
  void (async () => {
    for await (const status of options.connection.status()) {
      if (stopped) break;
      if (status.type !== "reconnect") continue;
      clearTimeout(timer);
      timer = setTimeout(sweep, options.delayMs ?? 3000);
      timer.unref?.();
    }
  })();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
