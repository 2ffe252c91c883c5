import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild, type EnsuredBuild } from "../../cli/build/ensure-build.ts";
import { spawnAgentProcess, stopProcess, type FleetProcess } from "../../cli/fleet.ts";
import { setupBus, type TestBus } from "../support/nats.ts";
import { agentLogLines } from "./support/agent-log.ts";

let bus: TestBus;
let build: EnsuredBuild;
let logDirectory: string;
const started: FleetProcess[] = [];

beforeAll(async () => {
  bus = await setupBus();
  build = await ensureBuild();
  logDirectory = await mkdtemp(path.join(os.tmpdir(), "asp-snapshot-"));
}, 90_000);
afterAll(async () => {
  await Promise.all(started.map((process) => stopProcess(process, 5000)));
  await bus?.[Symbol.asyncDispose]();
  await rm(logDirectory, { recursive: true, force: true });
});

const env = (extra: Record<string, string>) => {
  const { ASP_AGENT_RUNNER: _runner, NODE_OPTIONS: _options, ...inherited } = process.env;
  // No model is called: a writer only needs to know where one would be.
  return { ...inherited, ...bus.env, ASP_LLM_BASE_URL: "http://127.0.0.1:9", ANTHROPIC_API_KEY: "", ...extra };
};
const commandLineOf = (process: FleetProcess) => readFileSync(`/proc/${process.child.pid}/cmdline`, "utf8").split("\0").filter(Boolean);

async function start(name: string, slot: number, extra: Record<string, string>): Promise<FleetProcess> {
  const process = await spawnAgentProcess(name, slot, { env: env(extra), logDirectory, readyTimeoutMs: 60_000 });
  started.push(process);
  return process;
}

/** The JSON lines an agent wrote to its log, once it has stopped and flushed them. */
async function logLinesOf(process: FleetProcess) {
  await stopProcess(process, 5000);
  return agentLogLines(process);
}

describe("agents start from the build's snapshot of their loaded modules (decision 1418)", () => {
  it("makes each agent a process of its own: its own ids, pid, host and environment", async () => {
    const verbose = await start("file-writer", 0, { ASP_LOG_LEVEL: "info" });
    const quiet = await start("file-writer", 1, { ASP_LOG_LEVEL: "warn" });
    for (const agent of [verbose, quiet]) {
      const commandLine = commandLineOf(agent);
      expect(commandLine.slice(1)).toEqual(["--snapshot-blob", build.agentSnapshot, "file-writer"]);
    }
    // nats' id generator was loaded into the snapshot too: each process must still draw its own.
    expect(verbose.instance).toMatch(/^file-writer-\w{8}$/);
    expect(quiet.instance).toMatch(/^file-writer-\w{8}$/);
    expect(verbose.instance).not.toBe(quiet.instance);

    const verboseLines = await logLinesOf(verbose);
    expect(verboseLines.map((line) => line.msg)).toContain("agent running");
    for (const line of verboseLines) {
      expect(line.pid).toBe(verbose.child.pid);
      expect(line.hostname).toBe(os.hostname());
    }
    // The level was read from this process's environment, not the builder's.
    const quietLines = await logLinesOf(quiet);
    expect(quietLines.filter((line) => line.level < 40)).toEqual([]);
  }, 90_000);

  it("starts an agent from the bundle when NODE_OPTIONS holds a V8 flag, under which V8 would refuse the snapshot", async () => {
    const agent = await start("file-writer", 2, { NODE_OPTIONS: "--max-old-space-size=256" });
    expect(commandLineOf(agent).slice(1)).toEqual([build.agentBundle, "file-writer"]);
    expect(agent.instance).toMatch(/^file-writer-\w{8}$/);
  }, 90_000);
});
