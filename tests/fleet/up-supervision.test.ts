import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readStoredEvents } from "../../bus/events.ts";
import { createSubjects } from "../../bus/subjects.ts";
import { fleetRunId } from "../../cli/supervision-notices.ts";
import { startIsolatedNatsServer } from "../support/nats.ts";
import { spawnTypeScript } from "../support/processes.ts";
import { agentPidsOf } from "./support/fleet-children.ts";
import { connect } from "nats";

/** The pid of the one child of `asp up` that runs `agent <name>`. */
async function agentPid(upPid: number, name: string): Promise<number> {
  const pids = await agentPidsOf(upPid, name);
  expect(pids).toHaveLength(1);
  return pids[0]!;
}

describe("asp up keeps its fleet whole", () => {
  it("regression: the only code agent, killed with SIGKILL, stayed dead and the next run hung at the code stage", async () => {
    await using server = await startIsolatedNatsServer();
    const dataDirectory = await mkdtemp(path.join(tmpdir(), "asp-up-supervision-"));
    const env = { NATS_URL: server.url, ASP_NAMESPACE: "supervised", ASP_DATA_DIR: dataDirectory, ASP_LOG_LEVEL: "warn", ANTHROPIC_API_KEY: "" };
    await using up = spawnTypeScript("cli/main.ts", { args: ["up", "--writers", "1", "--scenario", "examples/hello-python/scenario.yaml"], env });
    await up.waitForLine(/^fleet up on /, 120_000);

    const victim = await agentPid(up.pid, "code");
    process.kill(victim, "SIGKILL");
    const restartedLine = await up.waitForLine(/^code restarted as /, 60_000);
    expect(up.output()).toMatch(/warning: code \(\S+\) exited \(signal SIGKILL\); restart 1 in 0\.5 s; log .*code-\d+\.log/);
    expect(await agentPid(up.pid, "code")).not.toBe(victim);

    await using submit = spawnTypeScript("cli/main.ts", { args: ["submit", "examples/hello-python/task.yaml", "--json", "--out", path.join(dataDirectory, "out")], env });
    const submitted = await submit.exited;
    expect({ code: submitted.code, output: submit.output().slice(-2000) }).toMatchObject({ code: 0 });
    expect(JSON.parse(submit.output().trim().split("\n").at(-1)!).status).toBe("passed");

    // The restart is on record as fleet events, not only in the terminal.
    const connection = await connect({ servers: server.url });
    const events = await readStoredEvents(connection, createSubjects("supervised"), fleetRunId);
    await connection.close();
    expect(events.map((event) => `${event.agent} ${event.type}`)).toEqual(["code agent.restarting", "code agent.restarted"]);
    expect(events[1]!.data.instance).toBe(restartedLine.replace(/^code restarted as (\S+).*$/, "$1"));

    const stopped = await up.kill("SIGINT");
    expect(stopped.code).toBe(0);
    await rm(dataDirectory, { recursive: true, force: true });
  }, 300_000);
});
