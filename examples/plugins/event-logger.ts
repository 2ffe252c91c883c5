/**
 * A plug-in observer in one file: it subscribes to the events stream by subject (every run, or
 * one run) and appends each event as one JSON line to a file. It reads through a durable
 * JetStream consumer and acks only after the line is written, so a logger that restarts goes on
 * where it stopped: no event lost, none written twice. It takes no jobs and answers no one.
 *
 *   node --import tsx examples/plugins/event-logger.ts FILE [--run RUN_ID] [--name DURABLE]
 */
import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { AckPolicy, DeliverPolicy, type NatsConnection } from "nats";
import { createLogger, readLogLevel } from "../../logging/index.ts";
import { connectToBus, createSubjects, readBusConfig, safeParseEvent, type Subjects } from "../../bus/index.ts";

export interface EventLogger {
  /** Events written so far by this process. */
  written(): number;
  stop(): Promise<void>;
}

export async function startEventLogger(options: { connection: NatsConnection; subjects: Subjects; file: string; runId?: string; durableName?: string }): Promise<EventLogger> {
  const { connection, subjects } = options;
  const durable = options.durableName ?? `event-logger${options.runId ? `-${options.runId}` : ""}`;
  const jsm = await connection.jetstreamManager();
  const config = {
    durable_name: durable,
    filter_subject: options.runId ? subjects.runEvents(options.runId) : subjects.allEvents(),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
  };
  const existing = await jsm.consumers.info(subjects.eventsStream, durable).catch(() => undefined);
  if (!existing) await jsm.consumers.add(subjects.eventsStream, config);
  const consumer = await connection.jetstream().consumers.get(subjects.eventsStream, durable);
  await mkdir(path.dirname(path.resolve(options.file)), { recursive: true });
  const messages = await consumer.consume({ max_messages: 256 });
  let count = 0;
  const done = (async () => {
    for await (const message of messages) {
      const parsed = safeParseEvent(message.data);
      // A message that is not an event is still recorded, marked, rather than dropped unseen.
      const line = parsed.success ? parsed.data : { invalid: true, subject: message.subject, error: parsed.error.message };
      await appendFile(options.file, `${JSON.stringify(line)}\n`);
      message.ack();
      count += 1;
    }
  })();
  return {
    written: () => count,
    async stop() {
      messages.stop();
      await done.catch(() => undefined);
    },
  };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (invokedDirectly) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { run: { type: "string" }, name: { type: "string" } } });
  const file = positionals[0];
  if (!file) {
    process.stderr.write("usage: event-logger.ts FILE [--run RUN_ID] [--name DURABLE]\n");
    process.exit(2);
  }
  const config = readBusConfig(process.env);
  const logger = createLogger({ name: "event-logger", level: readLogLevel(process.env, "info"), secrets: [process.env.NATS_PASS, process.env.NATS_TOKEN] });
  const connection = await connectToBus(config, { logger, name: "event-logger" });
  const subjects = createSubjects(config.namespace);
  const eventLogger = await startEventLogger({ connection, subjects, file, ...(values.run ? { runId: values.run } : {}), ...(values.name ? { durableName: values.name } : {}) });
  process.stdout.write(`event-logger ready: appending ${values.run ? `run ${values.run}` : "every run"} to ${file}\n`);
  const stop = async () => {
    await eventLogger.stop();
    await connection.drain().catch(() => undefined);
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}
