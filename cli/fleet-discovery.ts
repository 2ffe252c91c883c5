import { RequestStrategy, type NatsConnection } from "nats";
import type { Subjects } from "../bus/subjects.ts";

export interface DiscoveredInstance {
  name: string;
  id: string;
  version: string;
  metadata: Record<string, string>;
  stats?: unknown;
}

/** Every agent instance answering `$SRV.INFO`, optionally with its `$SRV.STATS`, in this namespace. */
export async function discoverAgents(connection: NatsConnection, subjects: Subjects, options: { name?: string; maxWaitMs?: number; stats?: boolean } = {}): Promise<DiscoveredInstance[]> {
  const client = connection.services.client({ maxWait: options.maxWaitMs ?? 1000, strategy: RequestStrategy.Timer });
  const instances: DiscoveredInstance[] = [];
  for await (const info of await client.info(options.name)) {
    const metadata = (info.metadata ?? {}) as Record<string, string>;
    if (metadata.namespace && metadata.namespace !== subjects.namespace) continue;
    instances.push({ name: info.name, id: info.id, version: info.version, metadata });
  }
  if (options.stats) {
    const statsById = new Map<string, unknown>();
    for await (const stats of await client.stats(options.name)) statsById.set(stats.id, stats);
    for (const instance of instances) instance.stats = statsById.get(instance.id);
  }
  return instances.sort((left, right) => left.name.localeCompare(right.name) || left.id.localeCompare(right.id));
}

export async function fleetIsRunning(connection: NatsConnection, subjects: Subjects): Promise<boolean> {
  try {
    const instances = await discoverAgents(connection, subjects, { name: "orchestrator", maxWaitMs: 500 });
    return instances.length > 0;
  } catch (error) {
    // "No responders": nobody at all serves $SRV, so certainly no orchestrator.
    if ((error as { code?: string }).code === "503") return false;
    throw error;
  }
}
