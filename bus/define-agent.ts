import type { Logger } from "pino";
import type { ZodType } from "zod";
import type { Clock } from "./clock.ts";
import type { Codec } from "./codec.ts";
import type { EventDataInput, EventType } from "../schemas/events/index.ts";

/** Everything a handler may touch. Side effects come only through here (and through `deps`). */
export interface JobContext<D = unknown> {
  runId: string;
  taskId?: string;
  traceId: string;
  jobId: string;
  agent: string;
  /** 1 on the first delivery, counting redeliveries. */
  attempt: number;
  /** The process (replica) running this job. */
  instanceId: string;
  headers: Record<string, string>;
  deps: D;
  /** A child logger carrying run, agent, job and attempt. */
  logger: Logger;
  clock: Clock;
  /** Aborted when the process drains past its grace period or the job can no longer be answered. */
  signal: AbortSignal;
  /**
   * Publishes an event of this run, tagged with this job. Stored before the job's result even when not awaited.
   * The type is a key of the event catalogue (schemas/events/) or a plug-in's own `x.<plugin>.<name>`; data that
   * does not match the type's schema rejects with a ValidationError, and the job fails.
   */
  emit<T extends EventType>(type: T, data: EventDataInput<T>): Promise<void>;
  /** Tells JetStream the job is still alive (also sent automatically every ack wait / 3). */
  working(): void;
}

export interface AgentDefinition<I, O, D = unknown> {
  /** Subject token and service name: letters, digits, '-' and '_'. */
  name: string;
  version: string;
  description?: string;
  input: Codec<I> | ZodType<I>;
  output: Codec<O> | ZodType<O>;
  /** Jobs one process runs at a time (default 1). */
  concurrency?: number;
  ackWaitMs?: number;
  maxDeliver?: number;
  /** Delay before each retry after a retryable failure; the last value repeats. */
  backoffMs?: number[];
  handle(input: I, context: JobContext<D>): Promise<O>;
}

/** Returns its argument, typed: the definition is plain data, wired to the bus by runAgent. */
export function defineAgent<I, O, D = unknown>(definition: AgentDefinition<I, O, D>): AgentDefinition<I, O, D> {
  return definition;
}
