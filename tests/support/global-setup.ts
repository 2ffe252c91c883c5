import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { findNatsServerBinary, natsInstallHint, startLocalNatsServer } from "../../bus/local-server.ts";
import { ensureBuild } from "../../cli/build/ensure-build.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The one NATS server (with JetStream) shared by every test file; each file uses its own namespace. */
    natsUrl: string;
    /** How it was obtained: "env", "testcontainers" or "binary". */
    natsSource: string;
  }
}

/**
 * Picks a server in order: NATS_URL, a testcontainers NATS when a Docker engine answers, the
 * nats-server binary on a random port. The Docker probe is bounded so machines without an
 * engine fall through in well under a second.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Fleets run from the build by default: build it once here, not inside the first test's timeout
  // (and not once per test file racing the others).
  await ensureBuild();
  if (process.env.NATS_URL) {
    project.provide("natsUrl", process.env.NATS_URL);
    project.provide("natsSource", "env");
    return async () => undefined;
  }
  if (await dockerAnswers()) {
    const { NatsContainer } = await import("@testcontainers/nats");
    const container = await new NatsContainer("nats:2.10-alpine").withJetStream().start();
    const options = container.getConnectionOptions();
    const server = Array.isArray(options.servers) ? options.servers[0] : options.servers;
    const address = String(server).replace(/^nats:\/\//, "");
    const credentials = options.user ? `${encodeURIComponent(options.user)}:${encodeURIComponent(options.pass ?? "")}@` : "";
    project.provide("natsUrl", `nats://${credentials}${address}`);
    project.provide("natsSource", "testcontainers");
    return async () => {
      await container.stop();
    };
  }
  if (!findNatsServerBinary()) throw new Error(`No NATS server for the tests: set NATS_URL, start Docker, or install one. ${natsInstallHint}`);
  const server = await startLocalNatsServer({ port: -1 });
  project.provide("natsUrl", server.url);
  project.provide("natsSource", "binary");
  return async () => {
    await server[Symbol.asyncDispose]();
  };
}

function dockerAnswers(): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  if (!host && !existsSync("/var/run/docker.sock")) return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile("docker", ["info", "--format", "{{.ServerVersion}}"], { timeout: 3000 }, (error, stdout) => {
      resolve(!error && stdout.trim().length > 0);
    });
  });
}
