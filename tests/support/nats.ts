import { connect, nuid, type NatsConnection } from "nats";
import { pino, type Logger } from "pino";
import { inject } from "vitest";
import { startLocalNatsServer, type LocalNatsServer, type LocalNatsServerOptions } from "../../bus/local-server.ts";
import { ensureResources } from "../../bus/resources.ts";
import { createSubjects, type Subjects } from "../../bus/subjects.ts";

export interface TestBus extends AsyncDisposable {
  url: string;
  connection: NatsConnection;
  subjects: Subjects;
  namespace: string;
  logger: Logger;
  /** Env for a child process that should join this bus (same server, same namespace). */
  env: Record<string, string>;
}

export const silentLogger: Logger = pino({ level: process.env.ASP_TEST_LOG_LEVEL ?? "silent" });

/**
 * A private corner of the shared test server: a unique namespace (streams and buckets of its
 * own), created now and deleted on dispose, so test files running in parallel never collide.
 */
export async function setupBus(options: { url?: string; namespace?: string; storage?: "file" | "memory" } = {}): Promise<TestBus> {
  const url = options.url ?? inject("natsUrl");
  const namespace = options.namespace ?? `t${nuid.next().slice(-10).toLowerCase()}`;
  const subjects = createSubjects(namespace);
  const connection = await connect({ servers: url, name: `test-${namespace}` });
  await ensureResources(connection, subjects, { storage: options.storage ?? "file" });
  return {
    url,
    connection,
    subjects,
    namespace,
    logger: silentLogger,
    env: { NATS_URL: url, ASP_NAMESPACE: namespace },
    async [Symbol.asyncDispose]() {
      await deleteNamespace(connection, subjects).catch(() => undefined);
      await connection.close();
    },
  };
}

export async function deleteNamespace(connection: NatsConnection, subjects: Subjects): Promise<void> {
  const jsm = await connection.jetstreamManager();
  const streams = [
    subjects.jobsStream,
    subjects.resultsStream,
    subjects.eventsStream,
    `KV_${subjects.runsBucket}`,
    `KV_${subjects.historyBucket}`,
    `OBJ_${subjects.artifactsBucket}`,
    `KV_${subjects.rateLimitsBucket}`,
  ];
  for (const stream of streams) await jsm.streams.delete(stream).catch(() => undefined);
}

/** A server of the test's own, for tests that kill or restart it. */
export function startIsolatedNatsServer(options: LocalNatsServerOptions = {}): Promise<LocalNatsServer> {
  return startLocalNatsServer(options);
}
