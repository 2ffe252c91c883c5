import { rm } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { readBusConfig } from "../../bus/config.ts";
import { connectToBus } from "../../bus/connect.ts";
import { ensureResources } from "../../bus/resources.ts";
import { createSubjects } from "../../bus/subjects.ts";
import { BusError, ConfigError } from "../../errors/index.ts";
import { silentLogger, startIsolatedNatsServer } from "../support/nats.ts";

describe("bus config", () => {
  it("defaults and freezes", () => {
    const config = readBusConfig({});
    expect(config).toMatchObject({ namespace: "asp", connectTimeoutMs: 5000, dataDir: ".asp", credentials: { kind: "none" } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.credentials)).toBe(true);
  });

  it("names the variable that is wrong", () => {
    expect(() => readBusConfig({ ASP_NATS_CONNECT_TIMEOUT_MS: "soon" })).toThrow(/ASP_NATS_CONNECT_TIMEOUT_MS/);
    expect(() => readBusConfig({ ASP_NAMESPACE: "a.b" })).toThrow(/ASP_NAMESPACE/);
    expect(() => readBusConfig({ NATS_USER: "alice" })).toThrow(/NATS_PASS/);
    expect(() => readBusConfig({ NATS_TOKEN: "t", NATS_USER: "u", NATS_PASS: "p" })).toThrow(ConfigError);
    expect(() => readBusConfig({ NATS_TLS_CERT: "cert.pem" })).toThrow(/NATS_TLS_KEY/);
  });
});

describe("connectToBus", () => {
  it("fails by its deadline naming servers, auth kind and TLS, never the secret", async () => {
    const config = readBusConfig({ NATS_URL: "nats://127.0.0.1:1", NATS_TOKEN: "s3cr3t-token", ASP_NATS_CONNECT_TIMEOUT_MS: "600" });
    const started = performance.now();
    const failure = await connectToBus(config, { logger: silentLogger, name: "deadline-test" }).catch((error: unknown) => error);
    const elapsed = performance.now() - started;
    expect(failure).toBeInstanceOf(BusError);
    const message = (failure as BusError).message;
    expect(message).toContain("nats://127.0.0.1:1");
    expect(message).toContain("auth: token");
    expect(message).toContain("TLS: no");
    expect(message).not.toContain("s3cr3t-token");
    expect(elapsed).toBeGreaterThanOrEqual(500);
    expect(elapsed).toBeLessThan(5000);
  });

  it("rides out a server restart on the same data dir and port, keeping its streams", async () => {
    const first = await startIsolatedNatsServer();
    const dataDir = first.dataDir;
    const port = first.port;
    const config = readBusConfig({ NATS_URL: first.url, ASP_NAMESPACE: "restart" });
    const connection = await connectToBus(config, { logger: silentLogger, name: "restart-test" });
    const subjects = createSubjects("restart");
    await ensureResources(connection, subjects);
    await connection.jetstream().publish(subjects.event("run-r", "tester", "progress"), new TextEncoder().encode("{}"));
    await first.stop();
    await using second = await startIsolatedNatsServer({ dataDir, port });
    // Same connection, reconnected by itself; the stream kept its message on disk.
    const jsm = await connection.jetstreamManager({ checkAPI: false });
    let messages = 0;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const info = await jsm.streams.info(subjects.eventsStream).catch(() => undefined);
      if (info) {
        messages = info.state.messages;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(messages).toBe(1);
    // ensureResources is idempotent on existing resources.
    await expect(ensureResources(connection, subjects)).resolves.toMatchObject({ eventsStream: subjects.eventsStream });
    await connection.close();
    expect(second.port).toBe(port);
    await second.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
});
