import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgentProcess, type AgentProcess } from "../../bus/agent-process.ts";
import { resourcesReadyVariable } from "../../bus/resources.ts";
import { createToyAgent } from "../fixtures/toy-agent/definition.ts";
import { setupBus, silentLogger, type TestBus } from "../support/nats.ts";

let bus: TestBus;
const started: AgentProcess[] = [];
beforeAll(async () => {
  bus = await setupBus();
});
afterAll(async () => {
  for (const agent of started) await agent.stop();
  await bus?.[Symbol.asyncDispose]();
});

const streamExists = async (name: string) =>
  (await bus.connection.jetstreamManager()).streams.info(name).then(
    () => true,
    () => false,
  );

/** The results stream is not needed to start an agent, so its absence shows whether the agent checked. */
async function startWithoutResultsStream(env: Record<string, string>): Promise<void> {
  await (await bus.connection.jetstreamManager()).streams.delete(bus.subjects.resultsStream).catch(() => false);
  const agent = await runAgentProcess(createToyAgent(), {
    env: { ...bus.env, ...env },
    logger: silentLogger,
    buildDeps: () => ({ defaultDelayMs: 0, defaultFail: "none" as const, pid: process.pid }),
    exitOnSignal: false,
  });
  started.push(agent);
}

describe("who ensures the JetStream resources", () => {
  it(`an agent of a fleet whose starter set ${resourcesReadyVariable}=1 does not check them again`, async () => {
    await startWithoutResultsStream({ [resourcesReadyVariable]: "1" });
    expect(await streamExists(bus.subjects.resultsStream)).toBe(false);
  });

  it("a standalone agent (compose, Kubernetes: nothing set) ensures them itself", async () => {
    await startWithoutResultsStream({});
    expect(await streamExists(bus.subjects.resultsStream)).toBe(true);
  });
});
