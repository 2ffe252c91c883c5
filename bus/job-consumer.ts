import { AckPolicy, DeliverPolicy, type Consumer, type ConsumerConfig, type JetStreamClient, type JetStreamManager } from "nats";
import { z } from "zod";
import { ConfigError } from "../errors/index.ts";
import { isNotFound } from "./resources.ts";
import { retryBudget } from "./retry-budget.ts";
import type { Subjects } from "./subjects.ts";

const nanosecondsPerMillisecond = 1_000_000;
/** How long a job may go unacknowledged when neither its agent nor ASP_ACK_WAIT_MS says. */
export const defaultAckWaitMs = 10_000;

/** What decides an agent's durable consumer besides its name: the same for every replica. */
export interface JobConsumerSettings {
  ackWaitMs: number;
  maxDeliver: number;
}

/** An agent's own settings, before the process's ASP_ACK_WAIT_MS and the runner's overrides. */
export function jobConsumerSettings(
  definition: { ackWaitMs?: number; maxDeliver?: number },
  overrides: { ackWaitMs?: number | undefined; maxDeliver?: number | undefined } = {},
): JobConsumerSettings {
  return {
    ackWaitMs: overrides.ackWaitMs ?? definition.ackWaitMs ?? defaultAckWaitMs,
    maxDeliver: overrides.maxDeliver ?? definition.maxDeliver ?? retryBudget.deliveriesPerJob,
  };
}

const ackWaitSchema = z
  .string()
  .regex(/^\d+$/, "must be a whole number of milliseconds")
  .transform(Number)
  .pipe(z.number().int().min(500, "must be at least 500 ms"))
  .optional();

/**
 * ASP_ACK_WAIT_MS: how long a job may go without an ack or a working() heartbeat before it is
 * redelivered. Reliability tests shorten it so a killed worker's job moves to another replica in
 * seconds. Read by the agent process and by the fleet's starter, which creates the consumers with it.
 */
export function readAckWaitOverride(env: Record<string, string | undefined>): number | undefined {
  const parsed = ackWaitSchema.safeParse(env.ASP_ACK_WAIT_MS || undefined);
  if (!parsed.success) throw new ConfigError(`ASP_ACK_WAIT_MS: ${parsed.error.issues[0]?.message ?? "invalid"}`, { details: { variable: "ASP_ACK_WAIT_MS" } });
  return parsed.data;
}

/** One durable consumer per agent, shared by every replica: the server hands each job to one puller. */
export function jobConsumerConfig(subjects: Subjects, agent: string, settings: JobConsumerSettings): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: subjects.consumerName(agent),
    filter_subject: subjects.job(agent),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: settings.ackWaitMs * nanosecondsPerMillisecond,
    max_deliver: settings.maxDeliver,
    max_ack_pending: -1,
  };
}

function matches(current: ConsumerConfig, wanted: Partial<ConsumerConfig>): boolean {
  return Object.entries(wanted).every(([key, value]) => (current as unknown as Record<string, unknown>)[key] === value);
}

/**
 * Creates the consumer, or updates it when its settings changed. The fleet's starter calls it once
 * per agent before it starts any process (decision 1415).
 */
export async function ensureJobConsumer(jsm: JetStreamManager, subjects: Subjects, config: Partial<ConsumerConfig> & { durable_name: string }): Promise<void> {
  const existing = await jsm.consumers.info(subjects.jobsStream, config.durable_name).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (!existing) await jsm.consumers.add(subjects.jobsStream, config);
  else if (!matches(existing.config, config)) await jsm.consumers.update(subjects.jobsStream, config.durable_name, config);
}

/**
 * The agent's side: one look-up, which also fetches the consumer's settings. In a fleet the starter
 * created it already and that is all; a standalone agent (compose, Kubernetes) creates it on its first
 * start, and any agent whose settings differ from the stored ones (a new ack wait) updates it.
 */
export async function openJobConsumer(js: JetStreamClient, jsm: JetStreamManager, subjects: Subjects, config: Partial<ConsumerConfig> & { durable_name: string }): Promise<Consumer> {
  const found = await js.consumers.get(subjects.jobsStream, config.durable_name).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (!found) {
    await ensureJobConsumer(jsm, subjects, config);
    return js.consumers.get(subjects.jobsStream, config.durable_name);
  }
  const info = await found.info(true);
  if (matches(info.config, config)) return found;
  await jsm.consumers.update(subjects.jobsStream, config.durable_name, config);
  return js.consumers.get(subjects.jobsStream, config.durable_name);
}
