import type { EventDataInput, EventType } from "../schemas/events/index.ts";
import type { TypedEventInput } from "./events.ts";
import type { JobAddress } from "./job-address.ts";

/** What a job's events carry besides their type and data: its address and whatever else is known of it. */
export interface JobEventSource extends JobAddress {
  taskId?: string;
  traceId?: string;
  attempt?: number;
}

/**
 * The one way an event about a job is built, whoever sends it: the handler (context.emit), the
 * runtime's lifecycle events, the dead-letter listener. Each of them tags the event the same way,
 * so a consumer finds a job's events by the same ids whichever process published them.
 */
export function jobEvent<T extends EventType>(source: JobEventSource, type: T, data: EventDataInput<T>): TypedEventInput<T> {
  return {
    runId: source.runId,
    agent: source.agent,
    type,
    jobId: source.jobId,
    ...(source.taskId !== undefined ? { taskId: source.taskId } : {}),
    ...(source.traceId !== undefined ? { traceId: source.traceId } : {}),
    ...(source.attempt !== undefined ? { attempt: source.attempt } : {}),
    data,
  };
}
