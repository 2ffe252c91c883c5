import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startIsolatedNatsServer } from "../support/nats.ts";
import { spawnTypeScript } from "../support/processes.ts";

/** `asp up` on its own nats-server, with the local model server; resolves once the fleet is up. */
async function startUp(natsUrl: string, namespace: string) {
  const dataDirectory = await mkdtemp(path.join(tmpdir(), "asp-up-shutdown-"));
  const env = { NATS_URL: natsUrl, ASP_NAMESPACE: namespace, ASP_DATA_DIR: dataDirectory, ASP_LOG_LEVEL: "warn", ANTHROPIC_API_KEY: "" };
  const up = spawnTypeScript("cli/main.ts", { args: ["up", "--writers", "1", "--scenario", "examples/hello-python/scenario.yaml"], env });
  await up.waitForLine(/^fleet up on /, 120_000);
  return { up, dataDirectory };
}

describe("asp up on Ctrl-C", () => {
  it("regression: a normal Ctrl-C drain of asp up printed 'warning: … exited' for every agent", async () => {
    await using server = await startIsolatedNatsServer();
    const { up, dataDirectory } = await startUp(server.url, "quietstop");
    const stopped = await up.kill("SIGINT");
    // Exit code 0, not a death by SIGINT: the Ctrl-C came right after "fleet up", and it must be handled.
    expect({ ...stopped, output: up.output() }).toMatchObject({ code: 0, signal: null });
    expect(up.output()).toContain("SIGINT: draining the fleet");
    // The exits were asked for: none of them is worth a warning.
    expect(up.output()).not.toMatch(/warning: .* exited/);
    await rm(dataDirectory, { recursive: true, force: true });
  }, 180_000);

  it("regression: a Ctrl-C while the fleet was starting killed asp up outright and left its agents running", async () => {
    await using server = await startIsolatedNatsServer();
    const dataDirectory = await mkdtemp(path.join(tmpdir(), "asp-up-shutdown-"));
    const env = { NATS_URL: server.url, ASP_NAMESPACE: "earlystop", ASP_DATA_DIR: dataDirectory, ASP_LOG_LEVEL: "warn", ANTHROPIC_API_KEY: "" };
    const up = spawnTypeScript("cli/main.ts", { args: ["up", "--writers", "1", "--scenario", "examples/hello-python/scenario.yaml"], env });
    // Printed just before the agents are started, which takes seconds.
    await up.waitForLine(/using the local model server/, 120_000);
    const stopped = await up.kill("SIGINT");
    expect({ ...stopped, output: up.output() }).toMatchObject({ code: 0, signal: null });
    expect(up.output()).toContain("SIGINT: draining the fleet");
    await rm(dataDirectory, { recursive: true, force: true });
  }, 180_000);

  it("regression: asp up never exited on Ctrl-C once its NATS server had gone away (it waited forever in drain)", async () => {
    await using server = await startIsolatedNatsServer();
    const { up, dataDirectory } = await startUp(server.url, "serverless");
    await server.kill();
    const started = Date.now();
    up.process.kill("SIGINT");
    // Every agent gets its drain grace, then SIGKILL; the CLI's own connection gets a bounded drain too.
    const outcome = await Promise.race([up.exited, new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 60_000))]);
    if (outcome === "hung") up.process.kill("SIGKILL");
    expect(outcome).not.toBe("hung");
    expect(outcome).toMatchObject({ code: 0 });
    expect(Date.now() - started).toBeLessThan(60_000);
    await rm(dataDirectory, { recursive: true, force: true });
  }, 240_000);
});
