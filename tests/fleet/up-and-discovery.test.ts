import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { spawnTypeScript } from "../support/processes.ts";
import { startIsolatedNatsServer } from "../support/nats.ts";

describe("asp up", () => {
  it("starts the fleet as separate processes; asp agents lists 3 writers; asp submit runs a task on it; Ctrl-C drains it", async () => {
    await using server = await startIsolatedNatsServer();
    const dataDirectory = await mkdtemp(path.join(tmpdir(), "asp-up-"));
    const env = { NATS_URL: server.url, ASP_NAMESPACE: "upfleet", ASP_DATA_DIR: dataDirectory, ASP_LOG_LEVEL: "warn", ANTHROPIC_API_KEY: "" };
    await using up = spawnTypeScript("cli/main.ts", { args: ["up", "--writers", "3", "--scenario", "examples/hello-python/scenario.yaml"], env });
    await up.waitForLine(/^fleet up on /, 90_000);

    const agents = spawnTypeScript("cli/main.ts", { args: ["agents", "--json", "--wait", "1500"], env });
    expect((await agents.exited).code).toBe(0);
    const rows = agents.output().trim().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as { name: string; instance: string });
    const writers = rows.filter((row) => row.name === "file-writer");
    expect(writers).toHaveLength(3);
    expect(new Set(writers.map((row) => row.instance)).size).toBe(3);
    expect(rows.map((row) => row.name)).toEqual(expect.arrayContaining(["orchestrator", "planning", "design", "design-review", "code", "code-review", "test", "postmortem"]));

    const out = path.join(dataDirectory, "out");
    const submit = spawnTypeScript("cli/main.ts", { args: ["submit", "examples/hello-python/task.yaml", "--out", out], env });
    expect((await submit.exited).code).toBe(0);
    expect(submit.output()).toContain("passed");

    const stopped = await up.kill("SIGINT");
    expect(stopped.code).toBe(0);
    expect(up.output()).toContain("SIGINT: draining the fleet");
    await rm(dataDirectory, { recursive: true, force: true });
  }, 180_000);

  it("asp submit says clearly when there is no fleet", async () => {
    await using server = await startIsolatedNatsServer();
    const submit = spawnTypeScript("cli/main.ts", { args: ["submit", "examples/hello-python/task.yaml"], env: { NATS_URL: server.url, ASP_NAMESPACE: "nofleet" } });
    expect((await submit.exited).code).toBe(2);
    expect(submit.output()).toContain("no orchestrator answers on");
  }, 60_000);
});
