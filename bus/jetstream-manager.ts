import type { JetStreamManager, NatsConnection } from "nats";

/**
 * A JetStream manager made on first use and kept; creating one asks the server for account info,
 * and an attempt that failed (a node away) is forgotten, so the next call tries again instead of
 * failing for the life of the process.
 */
export function lazyJetStreamManager(connection: NatsConnection): () => Promise<JetStreamManager> {
  let manager: Promise<JetStreamManager> | undefined;
  return () => {
    manager ??= connection.jetstreamManager().catch((error: unknown) => {
      manager = undefined;
      throw error;
    });
    return manager;
  };
}
