import { readFileSync } from "node:fs";
import { connect, credsAuthenticator, type ConnectionOptions, type NatsConnection } from "nats";
import type { Logger } from "pino";
import { BusError, ConfigError } from "../errors/index.ts";
import type { BusConfig } from "./config.ts";

export interface ConnectDependencies {
  logger: Logger;
  /** Shown in `nats server report connections` and in service info. */
  name: string;
  sleep?: (milliseconds: number) => Promise<void>;
}

const defaultUrl = "nats://127.0.0.1:4222";
const retryPauseMs = 250;

/**
 * Connects with a deadline on the FIRST connection only: a process that cannot reach the bus
 * at start-up should fail loudly, but one that was connected rides out server restarts
 * (reconnect forever, since losing the bus for a minute must not kill an agent).
 */
export async function connectToBus(config: BusConfig, dependencies: ConnectDependencies): Promise<NatsConnection> {
  const servers = (config.natsUrl ?? defaultUrl).split(",").map((server) => server.trim()).filter(Boolean);
  const options: ConnectionOptions = {
    servers,
    name: dependencies.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: false,
    ...authenticationOptions(config),
    ...(config.tls ? { tls: { ...config.tls } } : {}),
  };
  const sleep = dependencies.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)));
  const startedAt = performance.now();
  let lastError: unknown;
  let attempts = 0;
  while (attempts === 0 || performance.now() - startedAt < config.connectTimeoutMs) {
    attempts += 1;
    const remaining = Math.max(100, config.connectTimeoutMs - (performance.now() - startedAt));
    try {
      const connection = await connect({ ...options, timeout: Math.round(remaining) });
      dependencies.logger.info({ server: connection.getServer(), attempts }, "connected to NATS");
      watchStatus(connection, dependencies.logger);
      return connection;
    } catch (error) {
      lastError = error;
      if (isPermanent(error)) break;
      await sleep(Math.min(retryPauseMs, Math.max(0, config.connectTimeoutMs - (performance.now() - startedAt))));
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new BusError(
    `Could not connect to NATS within ${config.connectTimeoutMs} ms after ${attempts} attempt(s); ` +
      `servers tried: ${servers.join(", ")} (auth: ${describeAuthentication(config)}, TLS: ${config.tls ? "yes" : "no"}); ` +
      `last error: ${reason}`,
    { cause: lastError, details: { servers, attempts, auth: config.credentials.kind, tls: Boolean(config.tls) } },
  );
}

/** Safe to print: the kind of credentials, never their value. */
export function describeAuthentication(config: BusConfig): string {
  switch (config.credentials.kind) {
    case "none":
      return "none";
    case "credentials-file":
      return `credentials file ${config.credentials.path}`;
    case "user-password":
      return `user/password for user "${config.credentials.user}"`;
    case "token":
      return "token";
  }
}

function authenticationOptions(config: BusConfig): Partial<ConnectionOptions> {
  const credentials = config.credentials;
  switch (credentials.kind) {
    case "none":
      return {};
    case "user-password":
      return { user: credentials.user, pass: credentials.password };
    case "token":
      return { token: credentials.token };
    case "credentials-file": {
      let contents: Uint8Array;
      try {
        contents = readFileSync(credentials.path);
      } catch (error) {
        throw new ConfigError(`NATS_CREDS: cannot read credentials file ${credentials.path}`, { cause: error });
      }
      return { authenticator: credsAuthenticator(contents) };
    }
  }
}

/** Authorization failures do not heal by waiting; retrying only hides them. */
function isPermanent(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === "AUTHORIZATION_VIOLATION" || code === "AUTHENTICATION_EXPIRED";
}

function watchStatus(connection: NatsConnection, logger: Logger): void {
  void (async () => {
    for await (const status of connection.status()) {
      // Reconnect attempts and ping timers repeat many times a second while the server is away.
      if (status.type === "pingTimer" || status.type === "reconnecting") continue;
      logger.info({ status: status.type, data: typeof status.data === "string" ? status.data : undefined }, "NATS connection status");
    }
  })().catch(() => undefined);
}
