import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../cli/build/ensure-build.ts";
import { spawnAgentProcess, stopProcess, type FleetProcess } from "../../cli/fleet.ts";
import { startModelSimulator, type ModelSimulator } from "../../simulator/index.ts";
import { setupBus, type TestBus } from "../support/nats.ts";
import { calculatorSource, requestCalculatorFile } from "./support/calculator-file-job.ts";

let bus: TestBus;
let simulator: ModelSimulator;
let writer: FleetProcess | undefined;
const logDirectory = mkdtempSync(path.join(os.tmpdir(), "asp-bundle-"));

beforeAll(async () => {
  bus = await setupBus();
  simulator = await startModelSimulator({ scenario: { name: "bundle", files: { "calc.py": calculatorSource } }, port: 0 });
  await ensureBuild();
}, 90_000);
afterAll(async () => {
  if (writer) await stopProcess(writer, 5000);
  await simulator?.close();
  await bus?.[Symbol.asyncDispose]();
});

const env = () => ({ ...process.env, ...bus.env, ASP_LLM_BASE_URL: simulator.url, ANTHROPIC_API_KEY: "", ASP_LOG_LEVEL: "warn" });

describe("agents run from the build by default", () => {
  it("refuses an unknown runner, naming the variable", async () => {
    await expect(spawnAgentProcess("file-writer", 0, { env: { ...env(), ASP_AGENT_RUNNER: "deno" }, logDirectory })).rejects.toThrow(/ASP_AGENT_RUNNER/);
  });

  it("runs a file-writer on bare node that finds its prompts and writes the file byte for byte", async () => {
    const { ASP_AGENT_RUNNER: _runner, ...withoutRunner } = env() as Record<string, string | undefined>;
    writer = await spawnAgentProcess("file-writer", 1, { env: withoutRunner, logDirectory, readyTimeoutMs: 60_000 });
    const commandLine = readFileSync(`/proc/${writer.child.pid}/cmdline`, "utf8").split("\0");
    const { agentSnapshot } = await ensureBuild();
    expect(commandLine).toContain(agentSnapshot);
    expect(agentSnapshot).toMatch(new RegExp(`${path.join("out", "build")}/[0-9a-f]{16}/agent\\.blob$`));
    expect(commandLine).not.toContain("tsx");

    const reply = await requestCalculatorFile(bus, "bundle-run");
    expect(reply.output.content).toBe(calculatorSource);
    expect(reply.output.metadata.writer).toBe(writer.instance);
  }, 90_000);
});
