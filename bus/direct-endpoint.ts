import { nuid, type ServiceMsg } from "nats";
import { serializeError } from "../errors/index.ts";
import { headerNames, headersToRecord, readJobMetadata, recordToHeaders } from "./headers.ts";
import { executeJob, type ExecutionEnvironment } from "./job-execution.ts";
import { errorResultMessage, headerSafe, serviceErrorCode } from "./job-results.ts";
import type { JobStats } from "./job-stats.ts";

/**
 * Request/reply without the queue: same decode, handler and encode as a job, answered on the
 * reply subject. Nothing is stored, so this is for quick calls and tools, not pipeline work.
 */
export function createDirectHandler<I, O, D>(environment: ExecutionEnvironment<I, O, D>, stats: JobStats, signal: AbortSignal) {
  const handle = async (message: ServiceMsg): Promise<void> => {
    stats.directRequest();
    const headers = headersToRecord(message.headers);
    const metadata = readJobMetadata(headers, {
      runId: "direct",
      jobId: nuid.next(),
      agent: environment.definition.name,
      attempt: 1,
    });
    const logger = environment.logger.child({ runId: metadata.runId, jobId: metadata.jobId, direct: true });
    stats.started();
    const outcome = await executeJob(environment, {
      metadata,
      data: message.data,
      headers,
      signal,
      working: () => undefined,
      logger,
    });
    if (outcome.ok) {
      stats.finished("completed", outcome.durationMs);
      const payload = await environment.payloads.toMessage(outcome.encoded, `direct/${metadata.jobId}/result`);
      message.respond(payload.data, {
        headers: recordToHeaders({ ...payload.headers, [headerNames.contentType]: environment.outputCodec.contentType }),
      });
      return;
    }
    stats.finished("failed", outcome.durationMs);
    const serialized = serializeError(outcome.error);
    logger.warn({ reason: serialized, stage: outcome.stage }, "direct request failed");
    const body = errorResultMessage(outcome.error);
    message.respondError(serviceErrorCode(serialized), body.headers[headerNames.serviceError] ?? serialized.message, body.data, {
      headers: recordToHeaders({ [headerNames.errorCode]: serialized.code }),
    });
  };
  // Whatever fails (bad id headers, a result too large to send), the caller gets an error reply, not a timeout.
  return async (message: ServiceMsg): Promise<void> => {
    try {
      await handle(message);
    } catch (error) {
      const serialized = serializeError(error);
      environment.logger.warn({ reason: serialized }, "direct request rejected");
      try {
        message.respondError(serviceErrorCode(serialized), headerSafe(serialized.message), errorResultMessage(error).data, {
          headers: recordToHeaders({ [headerNames.errorCode]: serialized.code }),
        });
      } catch {
        // no reply subject, or the connection is gone: nothing left to tell
      }
    }
  };
}
