import { runToyAgent } from "../fixtures/toy-agent/run-in-process.ts";
import { describe, expect, it } from "vitest";
import { callCommand } from "../../cli/call-command.ts";
import { setupBus, type TestBus } from "../support/nats.ts";

function bufferIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) } }, stdout: () => out.join(""), stderr: () => err.join("") };
}

function startToy(bus: TestBus) {
  return runToyAgent(bus, { pullExpiresMs: 1000 });
}

describe("asp call (the direct endpoint's user)", () => {
  it("sends one input to a running agent and prints its output", async () => {
    await using bus = await setupBus();
    const agent = await startToy(bus);
    const buffers = bufferIo();
    expect(await callCommand(["toy", JSON.stringify({ value: 21 })], buffers.io, bus.env)).toBe(0);
    expect(JSON.parse(buffers.stdout())).toMatchObject({ doubled: 42, attempt: 1 });
    // It came through the direct endpoint, not the work queue.
    expect(agent.stats()).toMatchObject({ jobsProcessed: 1, directRequests: 1 });
    await agent.stop();
  });

  it("reports the agent's error with its service code, and a bad input before sending anything", async () => {
    await using bus = await setupBus();
    const agent = await startToy(bus);
    const failed = bufferIo();
    expect(await callCommand(["toy", JSON.stringify({ value: 1, fail: "fatal" })], failed.io, bus.env)).toBe(1);
    expect(failed.stderr()).toMatch(/asp call: toy answered 400 \(validation_failed\): .*toy refuses this value/);
    const notJson = bufferIo();
    expect(await callCommand(["toy", "{value: 1"], notJson.io, bus.env)).toBe(2);
    expect(notJson.stderr()).toContain("the input is not JSON");
    expect(agent.stats().directRequests).toBe(1);
    await agent.stop();
  });

  it("says no such agent answers, instead of a bare 503", async () => {
    await using bus = await setupBus();
    const buffers = bufferIo();
    expect(await callCommand(["nobody", "{}"], buffers.io, bus.env)).toBe(2);
    expect(buffers.stderr()).toContain(`asp call: no nobody agent answers on ${bus.env.NATS_URL} (namespace ${bus.namespace}): is the fleet up?`);
  });
});
