import type { Logger } from "pino";
import type { FleetConnector } from "./fleet-connector.ts";

/** What every tool and resource of the MCP server works with. */
export interface ToolContext {
  fleet: FleetConnector;
  logger: Logger;
}
