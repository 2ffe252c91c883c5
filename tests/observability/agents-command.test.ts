import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnAgentProcess, stopProcess, type FleetProcess } from "../../cli/fleet.ts";
import { setupBus, startIsolatedNatsServer, type TestBus } from "../support/nats.ts";
import { spawnTypeScript } from "../support/processes.ts";

let bus: TestBus;
const writers: FleetProcess[] = [];
beforeAll(async () => {
  bus = await setupBus();
  const logDirectory = mkdtempSync(path.join(os.tmpdir(), "asp-agents-"));
  // Writers take no job here; the model endpoint only has to be a valid URL.
  const env = { ...process.env, ...bus.env, ASP_LLM_BASE_URL: "http://127.0.0.1:9", ANTHROPIC_API_KEY: "", ASP_LOG_LEVEL: "warn" };
  writers.push(...(await Promise.all([0, 1, 2].map((index) => spawnAgentProcess("file-writer", index, { env, logDirectory })))));
}, 90_000);
afterAll(async () => {
  await Promise.all(writers.map((writer) => stopProcess(writer, 5000)));
  await bus?.[Symbol.asyncDispose]();
});

describe("asp agents (real process)", () => {
  it("lists each of 3 file-writer processes as its own instance, with subjects and job stats", async () => {
    await using command = spawnTypeScript("cli/main.ts", { args: ["agents", "--json", "--wait", "700"], env: bus.env });
    expect((await command.exited).code).toBe(0);
    const rows = command.output().trim().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
    const writerRows = rows.filter((row) => row.name === "file-writer");
    expect(writerRows).toHaveLength(3);
    expect(new Set(writerRows.map((row) => row.instance))).toEqual(new Set(writers.map((writer) => writer.instance)));
    for (const row of writerRows) {
      expect(row.subjects).toEqual([bus.subjects.job("file-writer"), bus.subjects.jobStats("file-writer"), bus.subjects.direct("file-writer")]);
      expect(row).toMatchObject({ version: expect.any(String), jobsProcessed: 0, jobsFailed: 0, inFlight: 0, averageProcessingMs: 0 });
    }
  });

  it("prints a table naming the instances and a count per agent", async () => {
    await using command = spawnTypeScript("cli/main.ts", { args: ["agents", "--wait", "700"], env: bus.env });
    expect((await command.exited).code).toBe(0);
    const output = command.output();
    expect(output).toMatch(/AGENT\s+INSTANCE\s+VERSION\s+JOBS/);
    for (const writer of writers) expect(output).toContain(writer.instance!);
    expect(output).toContain("3 instance(s): file-writer×3");
  });

  it("sees nothing of another namespace's fleet", async () => {
    await using command = spawnTypeScript("cli/main.ts", { args: ["agents", "--wait", "300"], env: { ...bus.env, ASP_NAMESPACE: `${bus.namespace}x` } });
    expect((await command.exited).code).toBe(0);
    expect(command.output()).toContain(`no agent answers on ${bus.env.NATS_URL} (namespace ${bus.namespace}x)`);
  });

  it("regression: asp agents with no fleet running printed 'asp agents: 503' and nothing else", async () => {
    // A server nobody serves $SRV on answers "no responders" (503) instead of an empty list.
    await using server = await startIsolatedNatsServer();
    await using command = spawnTypeScript("cli/main.ts", { args: ["agents", "--wait", "300"], env: { NATS_URL: server.url, ASP_NAMESPACE: "nofleet" } });
    expect((await command.exited).code).toBe(0);
    expect(command.output()).toContain(`no agent answers on ${server.url} (namespace nofleet): is the fleet up?`);
    expect(command.output()).not.toContain("503");
  });
});
