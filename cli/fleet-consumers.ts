import type { NatsConnection } from "nats";
import type { AgentRegistration } from "../bus/define-registration.ts";
import { ensureJobConsumer, jobConsumerConfig, jobConsumerSettings, readAckWaitOverride } from "../bus/job-consumer.ts";
import type { Subjects } from "../bus/subjects.ts";

/**
 * Creates (or updates) the durable consumer of every agent a fleet starts, once, before any of its
 * processes: the agents then only look theirs up (decision 1415). ASP_ACK_WAIT_MS is read from the
 * same environment the agents get, so both sides want the same settings.
 */
export async function ensureFleetConsumers(
  connection: NatsConnection,
  subjects: Subjects,
  agents: readonly Pick<AgentRegistration, "name" | "jobConsumer">[],
  env: Record<string, string | undefined>,
): Promise<void> {
  const ackWaitMs = readAckWaitOverride(env);
  const jsm = await connection.jetstreamManager();
  await Promise.all(
    agents.map((agent) => ensureJobConsumer(jsm, subjects, jobConsumerConfig(subjects, agent.name, jobConsumerSettings(agent.jobConsumer, { ackWaitMs })))),
  );
}
