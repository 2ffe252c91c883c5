import { NatsError } from "nats";
import { AspError, BusError } from "../errors/index.ts";
import { isTransient } from "./transient-retry.ts";

/**
 * True when an error is this process's own trouble with the bus (a request timed out while a
 * node was away, a publish found no stream leader), not an answer from the agent it called.
 * A remote failure comes back as an AspError rebuilt from the stored result, a stage that took
 * too long as a BusError coded job_timeout; neither is an infrastructure failure.
 */
export function isInfrastructureFailure(error: unknown): boolean {
  if (error instanceof BusError) return error.code === "bus_failed";
  if (error instanceof AspError) return false;
  return error instanceof NatsError || isTransient(error);
}
