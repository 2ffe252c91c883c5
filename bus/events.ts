import { type ConsumerMessages, type NatsConnection } from "nats";
import { publishRetries } from "./publish-retries.ts";
import { storedMessages } from "./stored-messages.ts";
import { eventSchema, type AspEvent } from "../schemas/event.ts";
import { checkEmittedData, type EventDataInput, type EventType } from "../schemas/events/index.ts";
import { BusError, ValidationError } from "../errors/index.ts";
import { stampEvent } from "./event-stamp.ts";
import type { Clock } from "./clock.ts";
import type { Subjects } from "./subjects.ts";
import { recordToHeaders } from "./headers.ts";
import { injectTraceContext } from "./tracing/trace-headers.ts";

/** An event to publish: its type is a catalogue key (or a plug-in's `x.` type) and its data that type's (schemas/events/). */
export type TypedEventInput<T extends EventType> = Omit<AspEvent, "id" | "time" | "type" | "data" | "instance"> &
  Partial<Pick<AspEvent, "id" | "time" | "instance">> & { type: T; data: EventDataInput<T> };
/** Distributed over the types, so a list of events pairs each type with its own data. */
export type EventInput<T extends EventType = EventType> = T extends EventType ? TypedEventInput<T> : never;

export interface EventPublisher {
  /** Rejects with a ValidationError, publishing nothing, for an unknown type or data that fails the type's schema. */
  publish<T extends EventType>(event: TypedEventInput<T>): Promise<AspEvent>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Events go through JetStream (stored before the publish returns) with the event id as
 * Nats-Msg-Id, so a publisher retrying after a lost ack does not record an event twice.
 */
export function createEventPublisher(options: {
  connection: NatsConnection;
  subjects: Subjects;
  clock: Clock;
  instanceId: string;
}): EventPublisher {
  const js = options.connection.jetstream();
  return {
    async publish(input) {
      // Checked in stampEvent, where every publish passes, because plug-ins are JavaScript and skip the compiler's check.
      const event = stampEvent(input, options);
      const subject = options.subjects.event(event.runId, event.agent, event.type);
      // The span current where the event happened (a job's, a model call's), so a trace viewer or a
      // consumer of the stream can tie the event to it. Nothing is added while tracing is off.
      const traceHeaders = injectTraceContext({});
      const headers = Object.keys(traceHeaders).length > 0 ? recordToHeaders(traceHeaders) : undefined;
      try {
        await js.publish(subject, encoder.encode(JSON.stringify(event)), { ...publishRetries, msgID: event.id, ...(headers ? { headers } : {}) });
      } catch (error) {
        throw new BusError(`could not publish event ${event.type} for run ${event.runId}: ${(error as Error).message}`, { cause: error });
      }
      return event;
    },
  };
}

export interface ReplayOptions {
  connection: NatsConnection;
  subjects: Subjects;
  /** One run, or every run when absent. */
  runId?: string;
  /** Only this event type of the run (with runId). */
  type?: string;
  onEvent(event: AspEvent, sequence: number): void | Promise<void>;
  /** Keep delivering new events after the stored ones. */
  follow?: boolean;
  /** Called for a stored message that is not a valid event (skipped, never fatal). */
  onInvalid?(error: ValidationError, sequence: number): void;
}

export interface Replay {
  /** Resolves when the stored events are delivered (without follow) or after stop(); rejects when the replay fails. */
  done: Promise<void>;
  stop(): Promise<void>;
}

const openTimeoutMs = 4000;
const stalledTimeoutMs = 4000;
const openAttempts = 6;

function withTimeout<T>(promise: Promise<T>, milliseconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BusError(`${what} did not answer within ${milliseconds} ms`)), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Every stored event of one run or of all runs, then (with follow) new ones as they come: a
 * watcher that joins late sees the whole run.
 *
 * One run's stored events are read message by message from the stream leader: a run has hundreds
 * of events, and this path needs no consumer, which in a cluster with a node down is sometimes
 * placed on the lost node and never answers (decision 0008). All runs' events, and live events,
 * come through an ordered consumer: opening one is retried with a deadline, and a replay of stored
 * events that stalls is reopened from the next sequence; events already delivered are not repeated.
 */
export async function replayEvents(options: ReplayOptions): Promise<Replay> {
  const js = options.connection.jetstream();
  const filterSubjects = !options.runId
    ? options.subjects.allEvents()
    : options.type
      ? options.subjects.runEventsOfType(options.runId, options.type)
      : options.subjects.runEvents(options.runId);
  let nextSequence = 1;
  let stopped = false;
  let messages: ConsumerMessages | undefined;
  const deliver = async (data: Uint8Array, sequence: number) => {
    nextSequence = sequence + 1;
    const parsed = safeParseEvent(data);
    if (parsed.success) await options.onEvent(parsed.data, sequence);
    else options.onInvalid?.(parsed.error, sequence);
  };
  const open = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        // Ordered consumers start from the first message by default. Passing deliver_policy here makes
        // info() hang on nats.js 2.29 (the consumer is never created), so only a start sequence is given.
        const consumer = await js.consumers.get(options.subjects.eventsStream, nextSequence > 1 ? { filterSubjects, opt_start_seq: nextSequence } : { filterSubjects });
        const info = await withTimeout(consumer.info(), openTimeoutMs, "opening the events replay");
        return { consumer, info };
      } catch (error) {
        if (attempt >= openAttempts) throw error;
      }
    }
  };
  const consumeOnce = async (current: Awaited<ReturnType<typeof open>>): Promise<"finished" | "stalled"> => {
    if (!options.follow && current.info.num_pending === 0) return "finished";
    messages = await current.consumer.consume({ max_messages: 256 });
    if (stopped) messages.stop();
    let watchdog: NodeJS.Timeout | undefined;
    let stalled = false;
    const arm = () => {
      if (options.follow) return;
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        stalled = true;
        messages?.stop();
      }, stalledTimeoutMs);
    };
    arm();
    try {
      for await (const message of messages) {
        arm();
        if (message.seq < nextSequence) continue;
        await deliver(message.data, message.seq);
        if (!options.follow && message.info.pending === 0) return "finished";
      }
    } finally {
      clearTimeout(watchdog);
    }
    return stalled && !stopped ? "stalled" : "finished";
  };
  const readRunFromLeader = async () => {
    // No account check: that would be one more request per replay, and one more to fail while a node is away.
    const jsm = await options.connection.jetstreamManager({ checkAPI: false });
    for await (const message of storedMessages(jsm, options.subjects.eventsStream, filterSubjects, nextSequence)) {
      if (stopped) return;
      await deliver(message.data, message.seq);
    }
  };
  // Every run's events: the consumer is opened before returning, so a failure to open reaches the caller.
  let allRunsConsumer: Awaited<ReturnType<typeof open>> | undefined;
  if (!options.runId) allRunsConsumer = await open();
  const done = (async () => {
    if (options.runId) {
      await readRunFromLeader();
      if (!options.follow || stopped) return;
    }
    let current = allRunsConsumer ?? (await open());
    while ((await consumeOnce(current)) === "stalled") current = await open();
  })();
  // A caller that only follows (a progress display) may never look at done; its failure must not
  // become an unhandled rejection. Callers that depend on the replay await done and see it.
  done.catch(() => undefined);
  return {
    done,
    async stop() {
      stopped = true;
      messages?.stop();
      await done.catch(() => undefined);
    },
  };
}

/** Every stored event of one run (or of all runs), collected: a replay without follow. Messages that are not events go to onInvalid. */
export async function readStoredEvents(connection: NatsConnection, subjects: Subjects, runId?: string, onInvalid?: (error: ValidationError) => void): Promise<AspEvent[]> {
  const events: AspEvent[] = [];
  const replay = await replayEvents({ connection, subjects, ...(runId ? { runId } : {}), onEvent: (event) => void events.push(event), ...(onInvalid ? { onInvalid } : {}) });
  await replay.done;
  return events;
}

export function safeParseEvent(data: Uint8Array): { success: true; data: AspEvent } | { success: false; error: ValidationError } {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch (error) {
    return { success: false, error: new ValidationError("stored event is not valid JSON", { cause: error }) };
  }
  const parsed = eventSchema.safeParse(json);
  if (parsed.success) return { success: true, data: parsed.data };
  return { success: false, error: new ValidationError(`stored event fails its schema: ${parsed.error.message}`) };
}
