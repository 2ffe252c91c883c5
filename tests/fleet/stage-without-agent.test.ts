import path from "node:path";
import { nuid } from "nats";
import { describe, expect, it } from "vitest";
import { startPipelineHarness } from "../e2e/support/pipeline-harness.ts";
import { spawnTypeScript } from "../support/processes.ts";

describe("a stage whose agent is not running", () => {
  it("regression: a run sat at the stage in silence until its timeout; now it shows 'waiting for agent X: none running' within 10 s, and goes on once one starts", async () => {
    await using harness = await startPipelineHarness({ scenario: "examples/hello-python/scenario.yaml", writers: 1 });
    const pipeline = path.resolve("tests/fixtures/pipelines/absent-agent.yaml");
    await using submit = spawnTypeScript("cli/main.ts", { args: ["submit", "examples/hello-python/task.yaml", "--pipeline", pipeline, "--out", path.join(harness.env.ASP_DATA_DIR!, "out", nuid.next())], env: harness.env });

    await submit.waitForLine(/▶ lint \(round 1\)$/, 120_000);
    const stageStarted = Date.now();
    const waiting = await submit.waitForLine(/⏸ lint \(round 1\): /, 10_000);
    expect(Date.now() - stageStarted).toBeLessThan(10_000);
    expect(waiting).toContain("waiting for agent linter: none running");

    // The stage was waiting, not failed: a linter that starts now gets the job, and the run goes on.
    await using linter = spawnTypeScript("tests/fixtures/linter-agent/main.ts", { env: { ...harness.env, ASP_LOG_LEVEL: "warn" } });
    await linter.waitForLine(/asp-agent-ready agent=linter/, 60_000);
    const outcome = await submit.exited;
    expect({ code: outcome.code, output: submit.output().slice(-3000) }).toMatchObject({ code: 0 });
    expect(submit.output()).toMatch(/✓ lint round 1 in \d+ ms/);
  }, 300_000);
});
