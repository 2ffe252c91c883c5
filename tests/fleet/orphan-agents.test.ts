import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isAlive } from "../../cli/fleet-address.ts";
import { startIsolatedNatsServer } from "../support/nats.ts";
import { spawnTypeScript } from "../support/processes.ts";
import { agentPidsOf } from "./support/fleet-children.ts";


describe("agents of a fleet whose asp up is gone", () => {
  it("regression: agents of an asp up killed with SIGKILL lived on as orphans, taking jobs for a fleet nobody ran", async () => {
    await using server = await startIsolatedNatsServer();
    const dataDirectory = await mkdtemp(path.join(tmpdir(), "asp-orphans-"));
    const env = { NATS_URL: server.url, ASP_NAMESPACE: "orphans", ASP_DATA_DIR: dataDirectory, ASP_LOG_LEVEL: "warn", ANTHROPIC_API_KEY: "" };
    await using up = spawnTypeScript("cli/main.ts", { args: ["up", "--writers", "1", "--scenario", "examples/hello-python/scenario.yaml"], env });
    await up.waitForLine(/^fleet up on /, 120_000);
    const agents = await agentPidsOf(up.pid);
    // Eleven agents and the one writer.
    expect(agents.length).toBe(12);

    await up.kill("SIGKILL");
    // Each agent drains (nothing in flight here) and exits once its stdin, held only by asp up, closes.
    const deadline = Date.now() + 30_000;
    while (agents.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    const survivors = agents.filter(isAlive);
    for (const pid of survivors) process.kill(pid, "SIGKILL");
    expect(survivors).toEqual([]);
    await rm(dataDirectory, { recursive: true, force: true });
  }, 180_000);
});
