import { NatsError } from "nats";
import { AspError, BusError } from "../errors/index.ts";
import { isTransient } from "./transient-retry.ts";

/** NATS client errors that mean "the bus was away for a moment", not "this request can never work". */
const connectionErrorCodes = new Set(["CONNECTION_CLOSED", "CONNECTION_DRAINING", "CONNECTION_REFUSED", "CONNECTION_TIMEOUT", "DISCONNECT"]);

/**
 * True when an error is this process's own passing trouble with the bus (a request timed out while a
 * node was away, a publish found no stream leader, the connection dropped), not an answer from the
 * agent it called and not a request that can never succeed (a permissions violation, a payload too
 * large). A remote failure comes back as an AspError rebuilt from the stored result, a stage that
 * took too long as a BusError coded job_timeout; neither is an infrastructure failure.
 */
export function isInfrastructureFailure(error: unknown): boolean {
  if (error instanceof BusError) return error.code === "bus_failed";
  if (error instanceof AspError) return false;
  if (isTransient(error)) return true;
  return error instanceof NatsError && connectionErrorCodes.has(error.code);
}
