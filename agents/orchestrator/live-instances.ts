import { RequestStrategy, type NatsConnection } from "nats";

/** How long a PING collects answers: instances answer in a millisecond or two on a healthy bus. */
const pingWindowMs = 500;

/** Live instances of one agent in this namespace, by NATS service PING (other namespaces answer too, and are left out). */
export async function countLiveInstances(connection: NatsConnection, namespace: string, agent: string): Promise<number> {
  const client = connection.services.client({ maxWait: pingWindowMs, strategy: RequestStrategy.Timer });
  let count = 0;
  try {
    for await (const ping of await client.ping(agent)) if ((ping.metadata as Record<string, string> | undefined)?.namespace === namespace) count += 1;
  } catch (error) {
    // No responders: nobody at all serves this name.
    if ((error as { code?: string }).code === "503") return 0;
    throw error;
  }
  return count;
}
