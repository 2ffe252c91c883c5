import type { NatsConnection } from "nats";

/** How long a CLI command waits for its own connection to drain before it closes it. */
export const drainTimeoutMs = 5000;

/**
 * Drains a connection, but not forever: while the server is away, `drain()` waits for a reconnect
 * that may never come, and a Ctrl-C that waits on it never exits. After the timeout the connection
 * is closed, which gives up what was not yet flushed; a command that is shutting down has nothing
 * left that a lost server could still take.
 */
export async function drainWithin(connection: NatsConnection, timeoutMs = drainTimeoutMs): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timed out">((resolve) => {
    timer = setTimeout(() => resolve("timed out"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([connection.drain().then(() => "drained" as const, () => "failed" as const), timedOut]);
    if (outcome !== "drained") await connection.close().catch(() => undefined);
  } finally {
    clearTimeout(timer);
  }
}
