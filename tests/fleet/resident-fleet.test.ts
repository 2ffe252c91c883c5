import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fleetFilePath, isAlive } from "../../cli/fleet-address.ts";
import { spawnTypeScript } from "../support/processes.ts";

async function asp(args: string[], env: Record<string, string>) {
  const command = spawnTypeScript("cli/main.ts", { args, env });
  const exited = await command.exited;
  return { code: exited.code, output: command.output() };
}

describe("a resident fleet: asp up --detach, asp run, asp down", () => {
  it("asp run uses the fleet asp up --detach left running, leaves it running, and asp down stops it", async () => {
    const dataDirectory = await mkdtemp(path.join(tmpdir(), "asp-resident-"));
    // No NATS_URL: the detached asp up starts its own local nats-server, as on a laptop.
    const env = { NATS_URL: "", ASP_DATA_DIR: dataDirectory, ASP_LOG_LEVEL: "warn", ANTHROPIC_API_KEY: "" };
    let pid: number | undefined;
    try {
      const up = await asp(["up", "--detach", "--writers", "1", "--scenario", "examples/hello-python/scenario.yaml"], env);
      expect(up).toMatchObject({ code: 0 });
      expect(up.output).toMatch(/fleet up on nats:\/\/127\.0\.0\.1:\d+ \(namespace asp\), detached as pid \d+/);
      pid = JSON.parse(readFileSync(fleetFilePath(dataDirectory), "utf8")).pid as number;
      expect(isAlive(pid)).toBe(true);

      const first = await asp(["run", "--scenario", "examples/hello-python/scenario.yaml", "--out", path.join(dataDirectory, "out-1")], env);
      expect(first).toMatchObject({ code: 0 });
      expect(first.output).toContain(`using the fleet running here (pid ${pid}`);
      expect(first.output).not.toContain("starting the fleet");
      expect(existsSync(path.join(dataDirectory, "out-1", "project"))).toBe(true);
      // The fleet is still there for the next run.
      expect(isAlive(pid)).toBe(true);
      const second = await asp(["run", "--scenario", "examples/hello-python/scenario.yaml", "--out", path.join(dataDirectory, "out-2")], env);
      expect(second).toMatchObject({ code: 0 });
      expect(second.output).toContain(`using the fleet running here (pid ${pid}`);

      // A run that asks for another scenario is refused, not answered by the wrong one.
      const mismatch = await asp(["run", "--scenario", "examples/service-js/scenario.yaml"], env);
      expect(mismatch.code).toBe(2);
      expect(mismatch.output).toContain("serves the scenario");
      expect(mismatch.output).toContain("asp down");

      const down = await asp(["down"], env);
      expect(down).toMatchObject({ code: 0 });
      expect(down.output).toContain(`fleet stopped (pid ${pid}`);
      expect(isAlive(pid)).toBe(false);
      expect(existsSync(fleetFilePath(dataDirectory))).toBe(false);
      const again = await asp(["down"], env);
      expect(again).toMatchObject({ code: 0 });
      expect(again.output).toContain("no fleet is running here");
    } finally {
      if (pid !== undefined && isAlive(pid)) process.kill(pid, "SIGTERM");
      await rm(dataDirectory, { recursive: true, force: true });
    }
  }, 300_000);
});
