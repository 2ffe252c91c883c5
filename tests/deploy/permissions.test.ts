import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { AckPolicy, connect, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileResultCodec } from "../../schemas/file-result.ts";
import { jsonCodec } from "../../bus/codec.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { ensureResources } from "../../bus/resources.ts";
import { createSubjects } from "../../bus/subjects.ts";
import { spawnAgentProcess, stopProcess, type FleetProcess } from "../../cli/fleet.ts";
import { passwordVariable } from "../../deploy/nats/permissions.ts";
import { fileJobSchema, type FileJob } from "../../schemas/file-job.ts";
import { startModelSimulator, type ModelSimulator } from "../../simulator/index.ts";
import { natsConfigDirectory, repositoryRoot } from "./support/deploy-files.ts";
import { startConfiguredNatsServer, type ConfiguredNatsServer } from "./support/nats-process.ts";

// The checked-in config is for namespace "asp"; this server is private to this file, so it is free to use it.
const subjects = createSubjects("asp");
const users = ["admin", "code", "file-writer", "planning"] as const;
const passwords = Object.fromEntries(users.map((user) => [user, `pw-${user}-${process.pid}`])) as Record<(typeof users)[number], string>;

let directory: string;
let server: ConfiguredNatsServer;
let simulator: ModelSimulator;
const connections: NatsConnection[] = [];
let writerProcess: FleetProcess | undefined;

async function connectAs(user: (typeof users)[number]): Promise<NatsConnection> {
  const connection = await connect({ servers: server.url, user, pass: passwords[user], name: `deploy-test-${user}` });
  connections.push(connection);
  return connection;
}

const fileJob = (filePath: string): FileJob => ({
  path: filePath,
  round: 1,
  entry: { path: filePath, type: "source", purpose: "Package root", unitId: "summarize", componentId: "summary", estimatedLines: 6, dependsOn: [] },
  sharedContext: "design and manifest",
});

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "asp-deploy-permissions-"));
  // nats-server reads the password references of permissions.conf from its environment.
  const serverEnv: Record<string, string> = {};
  for (const user of ["admin", "orchestrator", "planning", "design", "design-review", "review-security", "review-maintainability", "review-architecture", "code", "file-writer", "code-review", "test", "postmortem"]) {
    serverEnv[passwordVariable(user)] = passwords[user as (typeof users)[number]] ?? `unused-${user}`;
  }
  server = await startConfiguredNatsServer({ configFile: path.join(natsConfigDirectory, "secured.conf"), workDirectory: directory, env: serverEnv });
  const admin = await connectAs("admin");
  await ensureResources(admin, subjects);
  simulator = await startModelSimulator({ scenario: path.join(repositoryRoot, "examples/hello-python/scenario.yaml"), port: 0 });
}, 60_000);

afterAll(async () => {
  if (writerProcess) await stopProcess(writerProcess, 5000);
  for (const connection of connections) await connection.close().catch(() => undefined);
  await simulator?.close();
  await server?.stop();
  await rm(directory, { recursive: true, force: true });
});

describe("per-agent NATS users (deploy/nats/permissions.conf)", () => {
  it("refuses a wrong password", async () => {
    await expect(connect({ servers: server.url, user: "file-writer", pass: "wrong" })).rejects.toThrow(/authorization/i);
  });

  it("a file-writer cannot submit a planning job, nor write another agent's results or the runs bucket", async () => {
    const writer = await connectAs("file-writer");
    const js = writer.jetstream({ timeout: 3000 });
    await expect(js.publish(subjects.job("planning"), new TextEncoder().encode("{}"))).rejects.toMatchObject({ code: "PERMISSIONS_VIOLATION" });
    await expect(js.publish(subjects.result("r1", "planning", "j1"), new Uint8Array())).rejects.toMatchObject({ code: "PERMISSIONS_VIOLATION" });
    await expect(js.publish(`$KV.${subjects.runsBucket}.r1`, new Uint8Array())).rejects.toMatchObject({ code: "PERMISSIONS_VIOLATION" });
    const jsm = await writer.jetstreamManager({ timeout: 3000 });
    await expect(jsm.streams.delete(subjects.jobsStream)).rejects.toMatchObject({ code: "PERMISSIONS_VIOLATION" });
    // Nothing reached the queue.
    const admin = await connectAs("admin");
    const info = await (await admin.jetstreamManager()).streams.info(subjects.jobsStream);
    expect(info.state.messages).toBe(0);
    // The connection survives a refusal: the writer still works afterwards.
    expect(writer.isClosed()).toBe(false);
  });

  it("a planning agent cannot take file jobs from the writers' consumer", async () => {
    const planning = await connectAs("planning");
    const jsm = await planning.jetstreamManager({ timeout: 3000 });
    await expect(
      jsm.consumers.add(subjects.jobsStream, { durable_name: "file-writer", filter_subject: subjects.job("file-writer"), ack_policy: AckPolicy.Explicit }),
    ).rejects.toMatchObject({ code: "PERMISSIONS_VIOLATION" });
  });

  it("by hand: the code user submits a file job; the writer pulls it, publishes its result and an event, and acks", async () => {
    const code = await connectAs("code");
    const writer = await connectAs("file-writer");
    const writerManager = await writer.jetstreamManager({ timeout: 3000 });
    await writerManager.consumers.add(subjects.jobsStream, {
      durable_name: "file-writer",
      filter_subject: subjects.job("file-writer"),
      ack_policy: AckPolicy.Explicit,
    });
    await code.jetstream().publish(subjects.job("file-writer"), new TextEncoder().encode("job-by-hand"), { msgID: "by-hand-1" });
    const consumer = await writer.jetstream().consumers.get(subjects.jobsStream, "file-writer");
    const message = await consumer.next({ expires: 5000 });
    expect(message && new TextDecoder().decode(message.data)).toBe("job-by-hand");
    const js = writer.jetstream({ timeout: 3000 });
    await expect(js.publish(subjects.result("hand", "file-writer", "by-hand-1"), new TextEncoder().encode("done"))).resolves.toMatchObject({ stream: subjects.resultsStream });
    await expect(js.publish(subjects.event("hand", "file-writer", "file.started"), new TextEncoder().encode("{}"))).resolves.toMatchObject({ stream: subjects.eventsStream });
    await message!.ackAck();
    const info = await writerManager.consumers.info(subjects.jobsStream, "file-writer");
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  it("`asp agent file-writer` with NATS_USER/NATS_PASS starts, and writes a file job the code user submits", async () => {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(NATS_|ASP_|ANTHROPIC_)/.test(name)));
    writerProcess = await spawnAgentProcess("file-writer", 0, {
      env: {
        ...inherited,
        NATS_URL: server.url,
        NATS_USER: "file-writer",
        NATS_PASS: passwords["file-writer"],
        ASP_NAMESPACE: "asp",
        // info: connection status lines (where a refused subject would show) are logged at info.
        ASP_LOG_LEVEL: "info",
        ASP_LLM_BASE_URL: simulator.url,
      },
      logDirectory: path.join(directory, "logs"),
      readyTimeoutMs: 45_000,
    });
    const code = await connectAs("code");
    const reply = await createJobClient({ connection: code, subjects }).request("file-writer", fileJob("textstats/__init__.py"), {
      runId: "permissions-run",
      jobId: "permissions-run-f1",
      inputCodec: jsonCodec(fileJobSchema),
      outputCodec: fileResultCodec,
      timeoutMs: 30_000,
    });
    expect(reply.output.metadata.path).toBe("textstats/__init__.py");
    expect(reply.output.content).toContain("Text statistics");
    expect(reply.output.metadata.writer).toBe(writerProcess.instance);
    const log = await readFile(writerProcess.logFile, "utf8");
    // The writer met no refusal on the way (a refused subject would show as a permissions violation).
    expect(log).toContain("connected to NATS");
    expect(log).not.toMatch(/permissions violation|not allowed/i);
    expect(log).not.toContain(passwords["file-writer"]);
  }, 90_000);
});
