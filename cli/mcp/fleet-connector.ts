import type { NatsConnection } from "nats";
import type { Logger } from "pino";
import { readBusConfig } from "../../bus/config.ts";
import { connectToBus } from "../../bus/connect.ts";
import { createSubjects, type Subjects } from "../../bus/subjects.ts";
import { drainWithin } from "../bounded-drain.ts";
import { withFleetAddress } from "../fleet-address.ts";

export interface FleetSession {
  connection: NatsConnection;
  subjects: Subjects;
  natsUrl: string;
}

/** Opens the fleet's bus when a tool first needs it, and keeps it for the calls that follow. */
export interface FleetConnector {
  session(): Promise<FleetSession>;
  close(): Promise<void>;
}

/** Said when neither NATS_URL nor a live `.asp/fleet.json` names a fleet. */
export const noFleetFoundMessage = "no fleet running: set NATS_URL, or start one here with 'asp up'";

/**
 * The MCP server starts before any fleet may exist and outlives fleets that come and go, so the
 * address is looked up on every call, the way each CLI command does once (NATS_URL, else the record
 * `asp up` leaves in `.asp/fleet.json`): a fleet started or restarted on another port is found
 * without restarting the server, and a missing one is a tool error, not a server that will not start.
 */
export function createFleetConnector(env: Record<string, string | undefined>, logger: Logger): FleetConnector {
  let current: { key: string; opening: Promise<FleetSession> } | undefined;

  async function open(config: ReturnType<typeof readBusConfig>): Promise<FleetSession> {
    const connection = await connectToBus(config, { logger, name: "asp-mcp" });
    return { connection, subjects: createSubjects(config.namespace), natsUrl: config.natsUrl! };
  }

  async function forget(): Promise<void> {
    const previous = current;
    current = undefined;
    const session = await previous?.opening.catch(() => undefined);
    if (session && !session.connection.isClosed()) await drainWithin(session.connection);
  }

  return {
    async session() {
      const resolved = await withFleetAddress(env);
      if (!resolved.NATS_URL) {
        await forget();
        throw new Error(noFleetFoundMessage);
      }
      const config = readBusConfig(resolved);
      const key = `${config.natsUrl} ${config.namespace}`;
      if (current && current.key === key) {
        const session = await current.opening.catch(() => undefined);
        if (session && !session.connection.isClosed()) return session;
      }
      await forget();
      const opening = open(config);
      current = { key, opening };
      // A failed connect is not kept: the next call tries again (the fleet may be up by then).
      opening.catch(() => {
        if (current?.opening === opening) current = undefined;
      });
      return opening;
    },
    close: forget,
  };
}
