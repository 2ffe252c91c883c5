import path from "node:path";
import { connectToBus } from "../bus/connect.ts";
import { drainWithin } from "./bounded-drain.ts";
import type { BusConfig } from "../bus/config.ts";
import { startLocalNatsServer, type LocalNatsServer } from "../bus/local-server.ts";
import { ensureResources, resourcesReadyVariable } from "../bus/resources.ts";
import { createSubjects } from "../bus/subjects.ts";
import { ensureFleetConsumers } from "./fleet-consumers.ts";
import type { Logger } from "../logging/index.ts";
import { loadScenarioFile, startModelSimulator, type ModelSimulator, type Scenario } from "../simulator/index.ts";
import type { NatsConnection } from "nats";

export interface Environment {
  natsUrl: string;
  connection: NatsConnection;
  /** Set when the local model server stands in for the API (no ANTHROPIC_API_KEY). */
  simulator?: ModelSimulator;
  /** Environment for agent processes: where NATS and the model are. */
  childEnv: Record<string, string | undefined>;
  stop(): Promise<void>;
}

export interface EnvironmentOptions {
  bus: BusConfig;
  env: Record<string, string | undefined>;
  scenario?: Scenario;
  scenarioPath?: string;
  logger: Logger;
  notice(line: string): void;
}

/**
 * What a run needs around it: NATS (NATS_URL, or a local nats-server with JetStream under the
 * data folder) and a model (the API with a key, or the local model server driven by a scenario).
 */
export async function startEnvironment(options: EnvironmentOptions): Promise<Environment> {
  const { bus, env, logger } = options;
  let server: LocalNatsServer | undefined;
  let simulator: ModelSimulator | undefined;
  let connection: NatsConnection | undefined;
  const needsSimulator = !env.ANTHROPIC_API_KEY;
  if (needsSimulator && !options.scenario && !options.scenarioPath) {
    throw new Error("ANTHROPIC_API_KEY is not set and no --scenario was given: set the key to use Claude, or pass a scenario for the local model server");
  }
  // A transcript shows what each agent was asked: a test reads it to see which conditional replies were met.
  const transcriptPath = env.ASP_SIMULATOR_TRANSCRIPT?.trim();
  // The model server starts while the bus does: neither needs the other, and every agent waits for both.
  const startingSimulator = needsSimulator
    ? startModelSimulator({ scenario: options.scenario ?? options.scenarioPath!, port: 0, ...(transcriptPath ? { transcriptPath: path.resolve(transcriptPath) } : {}) })
    : undefined;
  startingSimulator?.catch(() => undefined);
  try {
    let natsUrl = bus.natsUrl;
    const serverStarting = natsUrl ? undefined : startLocalNatsServer({ dataDir: path.resolve(bus.dataDir, "nats"), logger });
    // The agents' registry (for their consumers' settings) is loaded while nats-server starts: this
    // process's CPU and the server's own start then overlap instead of taking turns.
    const registryLoading = import("../agents/registry.ts");
    registryLoading.catch(() => undefined);
    if (!natsUrl) {
      server = await serverStarting!;
      natsUrl = server.url;
      options.notice(`NATS_URL is not set: started a local nats-server with JetStream at ${natsUrl} (data in ${path.resolve(bus.dataDir, "nats")})`);
    }
    connection = await connectToBus({ ...bus, natsUrl }, { logger, name: "asp-cli" });
    const subjects = createSubjects(bus.namespace);
    await ensureResources(connection, subjects, { replicas: bus.jetStreamReplicas });
    const { registrations } = await registryLoading;
    await ensureFleetConsumers(connection, subjects, registrations, env);

    // The streams, buckets and consumers were just ensured: the fleet's agents need not check them again (decisions 1410, 1415).
    const childEnv: Record<string, string | undefined> = { ...env, NATS_URL: natsUrl, ASP_NAMESPACE: bus.namespace, [resourcesReadyVariable]: "1" };
    if (startingSimulator) {
      simulator = await startingSimulator;
      childEnv.ASP_LLM_BASE_URL = simulator.url;
      delete childEnv.ANTHROPIC_BASE_URL;
      options.notice(`ANTHROPIC_API_KEY is not set: using the local model server at ${simulator.url} (scenario ${options.scenarioPath ?? options.scenario?.name ?? "inline"})`);
    }
    const ready = connection;
    return {
      natsUrl,
      connection: ready,
      ...(simulator ? { simulator } : {}),
      childEnv,
      async stop() {
        await drainWithin(ready);
        await simulator?.close();
        await server?.stop();
      },
    };
  } catch (error) {
    await connection?.close().catch(() => undefined);
    // Started alongside the bus, it may be up even though the bus failed.
    simulator ??= await startingSimulator?.catch(() => undefined);
    await simulator?.close();
    await server?.stop();
    throw error;
  }
}

export { loadScenarioFile };
