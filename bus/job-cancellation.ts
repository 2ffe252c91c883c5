import type { JetStreamManager, NatsConnection } from "nats";
import type { Logger } from "pino";
import { AspError } from "../errors/index.ts";
import type { Subjects } from "./subjects.ts";

/** The code of the abort reason a cancelled job's handler sees on its signal. */
export const jobCancelledCode = "job_cancelled";
/** The event a worker records when it drops a job its caller gave up. */
export const jobCancelledEvent = "job.cancelled";

export function jobCancelledError(message: string, details: Record<string, unknown> = {}): AspError {
  return new AspError(message, { code: jobCancelledCode, retryable: false, details });
}

/**
 * True for a cancellation, as opposed to a hand-back on drain. A job whose own job was cancelled
 * cancels what it asked for in turn; one handed back does not, because its next delivery asks for
 * the same child jobs again and should find their results (decision 1084).
 */
export function isJobCancellation(reason: unknown): boolean {
  return reason instanceof AspError && reason.code === jobCancelledCode;
}

/** Job ids a worker was told to cancel, remembered for a while so a job taken just after its cancel is dropped too. */
export class RecentCancellations {
  readonly #keys = new Set<string>();
  readonly #limit: number;

  constructor(limit = 1000) {
    this.#limit = limit;
  }

  add(runId: string, jobId: string): void {
    this.#keys.add(`${runId}/${jobId}`);
    if (this.#keys.size > this.#limit) this.#keys.delete(this.#keys.values().next().value!);
  }

  has(runId: string, jobId: string): boolean {
    return this.#keys.has(`${runId}/${jobId}`);
  }
}

export interface CancelDeps {
  connection: NatsConnection;
  subjects: Subjects;
  manager: () => Promise<JetStreamManager>;
  logger?: Logger | undefined;
}

/**
 * Tells the job's worker to drop it (it aborts the handler, so a model call in flight is dropped
 * too), and takes it out of the queue when no worker has it yet. Best effort: a job that runs on
 * anyway only costs its work, and its result is stored and harmless.
 */
export async function cancelJob(deps: CancelDeps, job: { agent: string; runId: string; jobId: string; sequence?: number | undefined }, why: string): Promise<void> {
  const { agent, runId, jobId, sequence } = job;
  try {
    deps.connection.publish(deps.subjects.jobCancel(runId, agent, jobId), new TextEncoder().encode(why));
    if (sequence !== undefined) {
      const jsm = await deps.manager();
      // Already gone when a worker finished it; a sequence is never reused, so this removes nothing else.
      await jsm.streams.deleteMessage(deps.subjects.jobsStream, sequence, false).catch(() => undefined);
    }
    deps.logger?.info({ agent, jobId, runId, why }, "job cancelled");
  } catch (error) {
    deps.logger?.warn({ err: error, agent, jobId, runId }, "could not cancel the job");
  }
}
