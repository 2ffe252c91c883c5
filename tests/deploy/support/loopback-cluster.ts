import path from "node:path";
import { connect } from "nats";
import { freePort, natsConfigDirectory } from "./deploy-files.ts";
import { startConfiguredNatsServer, type ConfiguredNatsServer } from "./nats-process.ts";

export interface LoopbackCluster {
  nodes: ConfiguredNatsServer[];
  urls: string[];
  /** Starts node `index` again on its old ports and store, as a restarted StatefulSet pod would be. */
  restart(index: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * deploy/nats/cluster/node-{1,2,3}.conf as they are, on ports that are free now: client ports are
 * picked by the server (-p -1), route ports are checked free first and passed as --cluster/--routes.
 */
export async function startLoopbackCluster(workDirectory: string): Promise<LoopbackCluster> {
  const routePorts = [await freePort(), await freePort(), await freePort()];
  const routes = routePorts.map((port) => `nats://127.0.0.1:${port}`).join(",");
  const nodes: ConfiguredNatsServer[] = [];
  const startNode = (index: number, port = -1) =>
    startConfiguredNatsServer({
      configFile: path.join(natsConfigDirectory, "cluster", `node-${index + 1}.conf`),
      workDirectory,
      port,
      args: ["--cluster", `nats://127.0.0.1:${routePorts[index]}`, "--routes", routes],
    });
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (const index of routePorts.keys()) nodes.push(await startNode(index));
    await waitForJetStream(nodes.map((node) => node.url), 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes,
    urls: nodes.map((node) => node.url),
    async restart(index) {
      await nodes[index]!.stop();
      nodes[index] = await startNode(index, nodes[index]!.port);
    },
    stop,
  };
}

/** A clustered JetStream answers only once its meta group has a leader; until then the API says "unavailable". */
async function waitForJetStream(urls: string[], timeoutMs: number): Promise<void> {
  const connection = await connect({ servers: urls, name: "cluster-readiness" });
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  try {
    while (performance.now() < deadline) {
      try {
        const jsm = await connection.jetstreamManager({ timeout: 2000 });
        await jsm.getAccountInfo();
        // A stream with 3 replicas needs all three peers known to the meta leader.
        const probe = await jsm.streams.add({ name: `READINESS_${Date.now()}`, subjects: [`readiness.${Date.now()}`], num_replicas: 3 });
        await jsm.streams.delete(probe.config.name);
        return;
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    throw new Error(`JetStream cluster not ready within ${timeoutMs} ms: ${(lastError as Error | undefined)?.message}`);
  } finally {
    await connection.close();
  }
}
