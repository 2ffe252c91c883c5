import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentRegistry } from "../../agents/registry.ts";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createSubjects } from "../../bus/subjects.ts";
import { loadTask } from "../../cli/load-task.ts";
import { agentAccess, passwordVariable } from "../../deploy/nats/permissions.ts";
import { startModelSimulator, type ModelSimulator } from "../../simulator/index.ts";
import { natsConfigDirectory, repositoryRoot } from "./support/deploy-files.ts";
import { helloPythonDirectory, readRunEvents, runPipeline, startDeployFleet, type DeployFleet } from "./support/deploy-fleet.ts";
import { startConfiguredNatsServer, type ConfiguredNatsServer } from "./support/nats-process.ts";

// The whole fleet with one NATS user per agent, as compose and k8s run it: any subject the code
// needs and permissions.conf forgets shows up here as a failed run or a permissions violation.
const subjects = createSubjects("asp");
const users = ["admin", ...Object.keys(agentAccess)];
const passwords = Object.fromEntries(users.map((user) => [user, `pw-${user}-${process.pid}`]));

let directory: string;
let server: ConfiguredNatsServer;
let simulator: ModelSimulator;
let admin: NatsConnection;
let fleet: DeployFleet | undefined;
const setupAttempts: Array<{ user: string; code: number; output: string }> = [];

/** deploy/setup-resources.ts as compose's `setup` service and the k8s Job run it. */
async function runSetup(user: string): Promise<void> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NATS_URL: server.url, NATS_USER: user, NATS_PASS: passwords[user], ASP_NAMESPACE: "asp" };
  const result = await promisify(execFile)(process.execPath, ["--import", "tsx", "deploy/setup-resources.ts"], { cwd: repositoryRoot, env, timeout: 30_000 }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, output: `${error.stdout ?? ""}${error.stderr ?? ""}` }),
  );
  setupAttempts.push({ user, ...result });
}

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "asp-deploy-secured-"));
  server = await startConfiguredNatsServer({
    configFile: path.join(natsConfigDirectory, "secured.conf"),
    workDirectory: directory,
    env: Object.fromEntries(users.map((user) => [passwordVariable(user), passwords[user]!])),
  });
  admin = await connect({ servers: server.url, user: "admin", pass: passwords.admin, name: "secured-test-admin" });
  // The administrator creates the streams and buckets once; agents may not.
  await runSetup("file-writer");
  await runSetup("admin");
  simulator = await startModelSimulator({ scenario: path.join(helloPythonDirectory(repositoryRoot), "scenario.yaml"), port: 0 });
  fleet = await startDeployFleet({
    writers: 2,
    logDirectory: path.join(directory, "logs"),
    envFor: (name) => ({
      NATS_URL: server.url,
      NATS_USER: name,
      NATS_PASS: passwords[name]!,
      ASP_NAMESPACE: "asp",
      // info: connection status lines, where a refused subject shows, are logged at info.
      ASP_LOG_LEVEL: "info",
      ASP_LLM_BASE_URL: simulator.url,
      ASP_DATA_DIR: directory,
    }),
  });
}, 240_000);

afterAll(async () => {
  await fleet?.stop();
  await admin?.close().catch(() => undefined);
  await simulator?.close();
  await server?.stop();
  await rm(directory, { recursive: true, force: true });
});

describe("the pipeline with a NATS user per agent (deploy/nats/secured.conf)", () => {
  it("has a user for every agent of the registry", () => {
    expect(Object.keys(agentAccess).sort()).toEqual(Object.keys(agentRegistry).sort());
  });

  it("setup-resources is refused for an agent's user and creates everything for admin", () => {
    expect(setupAttempts[0]).toMatchObject({ user: "file-writer", code: 1 });
    expect(setupAttempts[0]!.output).toMatch(/could not create the JetStream resources: .*Permissions Violation/i);
    expect(setupAttempts[1]).toMatchObject({ user: "admin", code: 0 });
    expect(setupAttempts[1]!.output).toContain(`namespace asp ready with 1 replica(s) as user/password for user "admin"`);
    for (const attempt of setupAttempts) expect(attempt.output).not.toContain(passwords[attempt.user]!);
  });

  it("runs hello-python to a pass without a single permissions violation", async () => {
    const task = await loadTask(path.join(helloPythonDirectory(repositoryRoot), "task.yaml"));
    const runId = `secured-${process.pid}`;
    const summary = await runPipeline({ connection: admin, subjects, task, runId });
    expect(summary.status, summary.reason).toBe("passed");
    const events = await readRunEvents(admin, subjects, runId);
    expect(events.filter((event) => event.type === "file.written")).toHaveLength(summary.files);
    expect(events.some((event) => event.type === "postmortem.completed" || event.agent === "postmortem")).toBe(true);

    for (const agentProcess of fleet!.processes) {
      const log = await readFile(agentProcess.logFile, "utf8");
      expect(log, `${agentProcess.name}: ${agentProcess.logFile}`).not.toMatch(/permissions violation/i);
      expect(log).not.toMatch(/not allowed to create or update/);
      expect(log).not.toContain(passwords[agentProcess.name]!);
    }
  }, 120_000);
});
