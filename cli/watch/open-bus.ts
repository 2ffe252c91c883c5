import type { NatsConnection } from "nats";
import { readBusConfig } from "../../bus/config.ts";
import { connectToBus } from "../../bus/connect.ts";
import { createSubjects, type Subjects } from "../../bus/subjects.ts";
import { createLogger } from "../../logging/index.ts";
import { drainWithin } from "../bounded-drain.ts";
import { withFleetAddress } from "../fleet-address.ts";

export interface BusSession {
  connection: NatsConnection;
  subjects: Subjects;
  natsUrl: string;
  close(): Promise<void>;
}

/**
 * The observer commands (watch, agents, runs, dashboard) join a fleet that already runs: they read
 * the usual bus variables (NATS_URL, ASP_NAMESPACE, credentials) and never start a server of their own,
 * since an empty new server would only show an empty fleet.
 */
export async function openBus(env: Record<string, string | undefined>, name: string): Promise<BusSession> {
  // Without NATS_URL, join the fleet `asp up` started on this machine, if there is one.
  const config = readBusConfig(await withFleetAddress(env));
  const logger = createLogger({ name, level: "warn", destination: { write: (line: string) => void process.stderr.write(line) } });
  const connection = await connectToBus(config, { logger, name });
  return {
    connection,
    subjects: createSubjects(config.namespace),
    natsUrl: config.natsUrl ?? "nats://127.0.0.1:4222",
    async close() {
      await drainWithin(connection);
    },
  };
}
