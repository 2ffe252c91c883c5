import { nuid } from "nats";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { replayEvents } from "../../bus/events.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { startPipelineHarness } from "../e2e/support/pipeline-harness.ts";
import { spawnTypeScript } from "../support/processes.ts";

const scenario = "examples/hello-python/scenario.yaml";
// The same task the scenario carries: asp submit takes the task, the fleet serves the scenario.
const taskFile = "examples/hello-python/task.yaml";

describe("a plug-in reviewer at the code-review gate", () => {
  it("is consulted as its own process, and its FAIL turns a passing code review into a failing one", async () => {
    await using harness = await startPipelineHarness({ scenario, writers: 1 });
    await using plugin = spawnTypeScript("examples/plugins/license-check.ts", { env: harness.env });
    await plugin.waitForLine(/asp-agent-ready agent=review-license/, 60_000);

    const submit = (pipeline: string) => spawnTypeScript("cli/main.ts", { args: ["submit", taskFile, "--pipeline", pipeline, "--json", "--out", path.join(harness.env.ASP_DATA_DIR!, "out", nuid.next())], env: harness.env });
    const gateVerdicts = async (runId: string) => {
      const events: AspEvent[] = [];
      const replay = await replayEvents({ connection: harness.connection, subjects: harness.subjects, runId, onEvent: (event) => void events.push(event) });
      await replay.done;
      return events.filter((event) => event.type === "gate.verdict" && event.data.stage === "code-review");
    };

    const without = submit("default");
    expect((await without.exited).code).toBe(0);
    const withoutRun = JSON.parse(without.output().trim().split("\n").at(-1)!);
    expect((await gateVerdicts(withoutRun.runId)).map((event) => event.data.verdict)).toEqual(["PASS"]);

    const withPlugin = submit(path.resolve("tests/fixtures/pipelines/license-review.yaml"));
    expect((await withPlugin.exited).code).toBe(1);
    const withRun = JSON.parse(withPlugin.output().trim().split("\n").at(-1)!);
    expect(withRun.reason).toMatch(/^the code-review gate failed with FAIL after 2 round\(s\)/);
    const verdicts = await gateVerdicts(withRun.runId);
    expect(verdicts.map((event) => event.data.verdict)).toEqual(["FAIL", "FAIL"]);
    const findings = verdicts[0]!.data.findings as Array<{ reviewer: string; severity: string; file?: string }>;
    expect(findings.filter((finding) => finding.reviewer === "review-license").length).toBeGreaterThan(0);
    expect(findings.filter((finding) => finding.reviewer === "review-license").every((finding) => finding.severity === "high" && finding.file)).toBe(true);
  }, 180_000);
});
