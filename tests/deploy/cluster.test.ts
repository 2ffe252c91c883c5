import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBusConfig } from "../../bus/config.ts";
import { ensureResources } from "../../bus/resources.ts";
import { createSubjects } from "../../bus/subjects.ts";
import type { FleetProcess } from "../../cli/fleet.ts";
import { loadTask } from "../../cli/load-task.ts";
import type { RunSummary } from "../../schemas/run.ts";
import type { Task } from "../../schemas/task.ts";
import { startModelSimulator, type ModelSimulator } from "../../simulator/index.ts";
import { repositoryRoot } from "./support/deploy-files.ts";
import { helloPythonDirectory, readRunEvents, runPipeline as submitRun, startDeployFleet, type DeployFleet } from "./support/deploy-fleet.ts";
import { startLoopbackCluster, type LoopbackCluster } from "./support/loopback-cluster.ts";

const namespace = "cluster";
const subjects = createSubjects(namespace);
const writers = 3;

let directory: string;
let cluster: LoopbackCluster;
let simulator: ModelSimulator;
let connection: NatsConnection;
let task: Task;
let fleet: DeployFleet | undefined;
let processes: FleetProcess[] = [];
const nodeOfProcess = new Map<FleetProcess, number>();

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "asp-deploy-cluster-"));
  cluster = await startLoopbackCluster(directory);
  // The test itself may use any node; the agents below are each pinned to one.
  connection = await connect({ servers: cluster.urls, name: "cluster-test" });
  const replicas = readBusConfig({ ASP_JETSTREAM_REPLICAS: "3" }).jetStreamReplicas;
  await ensureResources(connection, subjects, { replicas });
  const examples = helloPythonDirectory(repositoryRoot);
  task = await loadTask(path.join(examples, "task.yaml"));
  simulator = await startModelSimulator({ scenario: path.join(examples, "scenario.yaml"), port: 0 });
  // Every process attaches to a different node in turn, so the writers sit on three different servers.
  const nodeOfIndex = (index: number) => index % cluster.urls.length;
  fleet = await startDeployFleet({
    writers,
    logDirectory: path.join(directory, "logs"),
    envFor: (_name, index) => ({
      NATS_URL: cluster.urls[nodeOfIndex(index)]!,
      ASP_NAMESPACE: namespace,
      ASP_JETSTREAM_REPLICAS: "3",
      ASP_LOG_LEVEL: process.env.KEEP_DEPLOY_TEST ? "info" : "warn",
      ASP_LLM_BASE_URL: simulator.url,
      ASP_DATA_DIR: directory,
    }),
  });
  processes = fleet.processes;
  for (const [index, agentProcess] of processes.entries()) nodeOfProcess.set(agentProcess, nodeOfIndex(index));
}, 240_000);

afterAll(async () => {
  await fleet?.stop();
  await connection?.close().catch(() => undefined);
  await simulator?.close();
  await cluster?.stop();
  if (!process.env.KEEP_DEPLOY_TEST) await rm(directory, { recursive: true, force: true });
  else console.log("kept", directory);
});

const runPipeline = (runId: string, onStarted?: () => void) => {
  const pending = submitRun({ connection, subjects, task, runId });
  onStarted?.();
  return pending;
};
const runEvents = (runId: string) => readRunEvents(connection, subjects, runId);

/** Resolves once the run has really started (the planning stage has its job); cancel() stops listening. */
function planningStarted(runId: string): { started: Promise<void>; cancel(): void } {
  let subscription: ReturnType<NatsConnection["subscribe"]> | undefined;
  const started = new Promise<void>((resolve) => {
    subscription = connection.subscribe(subjects.runEvents(runId), {
      callback: (_error, message) => {
        if (!message.subject.includes(".planning.")) return;
        subscription!.unsubscribe();
        resolve();
      },
    });
  });
  return { started, cancel: () => subscription?.unsubscribe() };
}

/**
 * The run passed and was still going when the node had gone (stop() waits for the exit), every file
 * was written once, and the agents attached to that node reconnected to the others and are alive.
 */
async function expectSurvivedTheNodeLoss(summary: RunSummary, stoppedAt: number): Promise<void> {
  expect(summary.status, summary.reason).toBe("passed");
  const events = await runEvents(summary.runId);
  const completed = events.find((event) => event.type === "run.completed");
  expect(Date.parse(completed!.time)).toBeGreaterThan(stoppedAt);
  expect(events.filter((event) => event.type === "file.written")).toHaveLength(summary.files);
  for (const agentProcess of processes) expect(agentProcess.child.exitCode, `${agentProcess.name} exited`).toBeNull();
}

describe("a 3-node JetStream cluster on loopback (deploy/nats/cluster)", () => {
  it("keeps every stream and bucket on 3 replicas", async () => {
    const jsm = await connection.jetstreamManager();
    for (const stream of [subjects.jobsStream, subjects.resultsStream, subjects.eventsStream, `KV_${subjects.runsBucket}`, `KV_${subjects.historyBucket}`, `OBJ_${subjects.artifactsBucket}`]) {
      const info = await jsm.streams.info(stream);
      expect(info.config.num_replicas, stream).toBe(3);
      expect((info.cluster?.replicas ?? []).length, `${stream} followers`).toBe(2);
    }
  });

  it("runs the pipeline with writers attached to three different nodes", async () => {
    const writerNodes = processes.filter((process) => process.name === "file-writer").map((process) => nodeOfProcess.get(process));
    expect(new Set(writerNodes).size).toBe(3);
    const summary = await runPipeline(`cluster-${process.pid}-1`);
    expect(summary.status, summary.reason).toBe("passed");
    expect(summary.files).toBeGreaterThan(0);
    const written = (await runEvents(summary.runId)).filter((event) => event.type === "file.written");
    expect(written).toHaveLength(summary.files);
  }, 120_000);

  it("finishes a run in progress while one node is stopped and restarted (a rolling restart)", async () => {
    const runId = `cluster-${process.pid}-rolling`;
    const index = 2;
    const oldProcess = cluster.nodes[index]!.process;
    const { started } = planningStarted(runId);
    let restarted: Promise<void> | undefined;
    let stoppedAt = Number.POSITIVE_INFINITY;
    const summary = await runPipeline(runId, () => {
      restarted = started.then(async () => {
        await cluster.nodes[index]!.stop("SIGTERM");
        stoppedAt = Date.now();
        // Away long enough for the run to need the other two nodes, as during a pod's restart.
        await new Promise((resolve) => setTimeout(resolve, 3000));
        await cluster.restart(index);
      });
    });
    await restarted;
    expect(oldProcess.exitCode !== null || oldProcess.signalCode !== null).toBe(true);
    expect(cluster.nodes[index]!.process).not.toBe(oldProcess);
    await expectSurvivedTheNodeLoss(summary, stoppedAt);
  }, 150_000);

  // Runs after the rolling restart, so the cluster is whole again when the node goes away.
  it.each(["SIGTERM", "SIGKILL"] as const)("finishes a run in progress while one node is stopped with %s and stays down", async (signal) => {
    const runId = `cluster-${process.pid}-down-${signal.toLowerCase()}`;
    const index = 1;
    let stoppedAt = Number.POSITIVE_INFINITY;
    const planning = planningStarted(runId);
    const stopped = planning.started.then(async () => {
      await cluster.nodes[index]!.stop(signal);
      stoppedAt = Date.now();
    });
    try {
      const summary = await runPipeline(runId);
      await stopped;
      // Nothing restarts the node before the end of this block.
      await expectSurvivedTheNodeLoss(summary, stoppedAt);
    } finally {
      // Back for the next case and for a clean shutdown; a node that was never stopped is left alone.
      planning.cancel();
      await Promise.race([stopped.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000))]);
      if (Number.isFinite(stoppedAt)) await cluster.restart(index);
    }
  }, 150_000);
});
