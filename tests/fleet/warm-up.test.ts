import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { warmUpLine } from "../../bus/agent-process.ts";
import { ensureBuild } from "../../cli/build/ensure-build.ts";
import { spawnAgentProcess, startFleet, stopProcess, type Fleet, type FleetProcess } from "../../cli/fleet.ts";
import { startModelSimulator, type ModelSimulator } from "../../simulator/index.ts";
import { setupBus, type TestBus } from "../support/nats.ts";
import { agentLogLines } from "./support/agent-log.ts";
import { calculatorSource, requestCalculatorFile } from "./support/calculator-file-job.ts";

let bus: TestBus;
let simulator: ModelSimulator;
let logDirectory: string;
const processes: FleetProcess[] = [];
let fleet: Fleet | undefined;
const warmedUp = "warmed up for the first job";

beforeAll(async () => {
  bus = await setupBus();
  simulator = await startModelSimulator({ scenario: { name: "warm-up", files: { "calc.py": calculatorSource } }, port: 0 });
  logDirectory = await mkdtemp(path.join(os.tmpdir(), "asp-warm-up-"));
  await ensureBuild();
}, 90_000);
afterAll(async () => {
  await fleet?.stop(5000);
  await Promise.all(processes.map((process) => stopProcess(process, 5000)));
  await simulator?.close();
  await bus?.[Symbol.asyncDispose]();
  await rm(logDirectory, { recursive: true, force: true });
});

const env = () => {
  const { ASP_AGENT_RUNNER: _runner, NODE_OPTIONS: _options, ...inherited } = process.env;
  return { ...inherited, ...bus.env, ASP_LLM_BASE_URL: simulator.url, ANTHROPIC_API_KEY: "", ASP_LOG_LEVEL: "info" };
};
const messagesOf = async (process: FleetProcess) => (await agentLogLines(process)).map((line) => line.msg);
const untilWarmedUp = (...processes: FleetProcess[]) =>
  vi.waitFor(async () => {
    for (const process of processes) expect(await messagesOf(process)).toContain(warmedUp);
  }, { timeout: 15_000, interval: 50 });

describe("an agent warms up for its first job when its fleet is ready (decision 1419)", () => {
  it("waits for the fleet's line, warms its model client once, and then writes files with it", async () => {
    const writer = await spawnAgentProcess("file-writer", 0, { env: env(), logDirectory, readyTimeoutMs: 60_000 });
    processes.push(writer);
    // Nothing is warmed while the rest of a fleet might still be starting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await messagesOf(writer)).not.toContain(warmedUp);

    writer.child.stdin!.write(`${warmUpLine}\n${warmUpLine}\n`);
    await untilWarmedUp(writer);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await messagesOf(writer)).filter((message) => message === warmedUp)).toHaveLength(1);

    const reply = await requestCalculatorFile(bus, "warm-up-run");
    expect(reply.output.content).toBe(calculatorSource);
  }, 90_000);

  it("is asked of every process in turn once the whole fleet is ready; an agent that calls no model has nothing to warm", async () => {
    fleet = await startFleet({ agents: ["planning", "test"], writers: 1, env: env(), logDirectory: path.join(logDirectory, "fleet"), readyTimeoutMs: 60_000, warmUpsAtOnce: 1 });
    const [planning, tester, writer] = fleet.processes;
    await untilWarmedUp(planning!, writer!);
    expect(await messagesOf(tester!)).not.toContain(warmedUp);
    expect(await readFile(tester!.logFile, "utf8")).toMatch(/^asp-agent-warmed agent=test /m);
    expect(tester!.child.exitCode).toBeNull();
    // One at a time, in the pipeline's order: the writer began its warm-up only once planning had
    // finished its own.
    const finished = async (process: FleetProcess) => (await agentLogLines(process)).find((line) => line.msg === warmedUp)!;
    const [planningWarm, writerWarm] = [await finished(planning!), await finished(writer!)];
    expect(writerWarm.time - (writerWarm.ms as number)).toBeGreaterThanOrEqual(planningWarm.time - 2);
  }, 90_000);
});
