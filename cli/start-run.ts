import type { NatsConnection } from "nats";
import type { Logger } from "pino";
import { jsonCodec } from "../bus/codec.ts";
import { createJobClient } from "../bus/job-client.ts";
import { jobIds } from "../bus/job-ids.ts";
import type { Subjects } from "../bus/subjects.ts";
import { runRequestSchema, type RunRequest } from "../schemas/run.ts";

/** How a run request travels as the orchestrator's job, for callers that wait (submitRun) and those that do not. */
export const runRequestCodec = jsonCodec(runRequestSchema);

/**
 * Publishes a run to the fleet's orchestrator and returns at once, without waiting for the run:
 * the orchestrator's work queue holds the job durably, so nobody needs to stay connected for the
 * run to go on, and `JobClient.submit` never cancels it (decision 1084 cancels only what `request` gives up).
 */
export async function startRun(options: { connection: NatsConnection; subjects: Subjects; logger?: Logger; request: RunRequest }): Promise<{ runId: string; jobId: string; duplicate: boolean }> {
  const { request } = options;
  const jobs = createJobClient({ connection: options.connection, subjects: options.subjects, ...(options.logger ? { logger: options.logger } : {}) });
  const published = await jobs.submit("orchestrator", request, { runId: request.runId, jobId: jobIds.run(request.runId), inputCodec: runRequestCodec });
  return { runId: request.runId, jobId: published.jobId, duplicate: published.duplicate };
}
