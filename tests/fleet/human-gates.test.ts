import { nuid } from "nats";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayEvents } from "../../bus/events.ts";
import { createHistoryStore } from "../../agents/shared/history-store.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { startPipelineHarness, type PipelineHarness } from "../e2e/support/pipeline-harness.ts";
import { spawnTypeScript } from "../support/processes.ts";

const scenario = "examples/hello-python/scenario.yaml";
// The same task the scenario carries: asp submit takes the task, the fleet serves the scenario.
const taskFile = "examples/hello-python/task.yaml";
const pipelineFile = (name: string) => path.resolve("tests/fixtures/pipelines", `${name}.yaml`);

let harness: PipelineHarness;
beforeAll(async () => {
  harness = await startPipelineHarness({ scenario, writers: 1 });
}, 90_000);
afterAll(async () => {
  await harness?.[Symbol.asyncDispose]();
});

/** Resolves with the first event of a type across all runs (the CLI picks the run id). */
async function firstEvent(type: string, excludeRuns: Set<string>): Promise<AspEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within 60 s`)), 60_000);
    void replayEvents({
      connection: harness.connection,
      subjects: harness.subjects,
      follow: true,
      onEvent: (event) => {
        if (event.type === type && !excludeRuns.has(event.runId)) {
          clearTimeout(timer);
          resolve(event);
        }
      },
    }).then((replay) => setTimeout(() => void replay.stop(), 61_000).unref());
  });
}

const cli = (args: string[]) => spawnTypeScript("cli/main.ts", { args, env: harness.env });
/** A run's output folder inside the harness's data folder (deleted with it), not out/ of the repository. */
const harnessOut = () => path.join(harness.env.ASP_DATA_DIR!, "out", nuid.next());
const decided = new Set<string>();

describe("human gates", () => {
  it("waits at an approval gate until 'asp approve' lets the run go on, and records who decided", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "asp-gate-"));
    const submit = cli(["submit", taskFile, "--pipeline", pipelineFile("approval"), "--out", out]);
    const waiting = await firstEvent("gate.waiting", decided);
    decided.add(waiting.runId);
    expect(waiting.data).toMatchObject({ stage: "design-review", round: 1 });

    const wrongGate = cli(["approve", waiting.runId, "code-review"]);
    expect((await wrongGate.exited).code).toBe(1);
    expect(wrongGate.output()).toContain(`run ${waiting.runId} is waiting at gate design-review, not code-review`);

    const approve = cli(["approve", waiting.runId, "design-review", "--note", "looks good"]);
    expect((await approve.exited).code).toBe(0);
    expect(approve.output()).toContain(`approved gate design-review of run ${waiting.runId}`);

    expect((await submit.exited).code).toBe(0);
    const postmortem = await readFile(path.join(out, "postmortem.md"), "utf8");
    await rm(out, { recursive: true, force: true });
    expect(postmortem).toMatch(/design-review round 1: APPROVED \(looks good\) \(\S+@\S+ \(cli\)\)/);
  }, 120_000);

  it("fails the run when 'asp reject' decides, with who rejected it and why", async () => {
    const submit = cli(["submit", taskFile, "--pipeline", pipelineFile("approval"), "--json", "--out", harnessOut()]);
    const waiting = await firstEvent("gate.waiting", decided);
    decided.add(waiting.runId);
    const reject = cli(["reject", waiting.runId, "design-review", "--note", "needs auth"]);
    expect((await reject.exited).code).toBe(0);
    expect((await submit.exited).code).toBe(1);
    const summary = JSON.parse(submit.output().trim().split("\n").at(-1)!);
    expect(summary.status).toBe("failed");
    expect(summary.reason).toMatch(/^the design-review gate was rejected by \S+ \(cli\): needs auth$/);
    expect(summary.stages.map((stage: { stage: string }) => stage.stage)).toEqual(["planning", "design", "design-review", "postmortem"]);
  }, 120_000);

  it("applies the timeout policy when nobody decides", async () => {
    const submit = cli(["submit", taskFile, "--pipeline", pipelineFile("approval-timeout"), "--json", "--out", harnessOut()]);
    expect((await submit.exited).code).toBe(0);
    const summary = JSON.parse(submit.output().trim().split("\n").at(-1)!);
    decided.add(summary.runId);
    const events: AspEvent[] = [];
    const replay = await replayEvents({ connection: harness.connection, subjects: harness.subjects, runId: summary.runId, onEvent: (event) => void events.push(event) });
    await replay.done;
    expect(events.find((event) => event.type === "gate.decided")?.data).toMatchObject({ stage: "design-review", decision: "approve", decidedBy: "timeout-policy" });
  }, 120_000);
});

describe("budgets", () => {
  it("stops a run cleanly at its budget, past it by at most one call, and still writes the postmortem", async () => {
    const task = { title: "Text statistics module", description: "A small Python package.", requirements: [] };
    // The whole run costs about $0.11 in this scenario: a budget of $0.05 lets a few calls through.
    const budgetUsd = 0.05;
    const outcome = await harness.run(task, { budgetUsd });
    expect(outcome.summary.status).toBe("failed");
    expect(outcome.summary.reason).toMatch(/^stopped at its budget: .*budget of \$0\.0500 would be exceeded/);
    const spent = outcome.events.filter((event) => event.type === "llm.call").reduce((sum, event) => sum + Number(event.data.costUsd), 0);
    expect(spent).toBeGreaterThan(0);
    // At most one call past the expectation: the dearest single call bounds the overshoot.
    const dearestCall = Math.max(...outcome.events.filter((event) => event.type === "llm.call").map((event) => Number(event.data.costUsd)));
    expect(spent).toBeLessThanOrEqual(budgetUsd + dearestCall);
    expect(outcome.events.filter((event) => event.type === "stage.started").map((event) => event.data.stage)).not.toContain("test");
    const stop = outcome.events.find((event) => event.type === "run.budget_exceeded");
    // What asp watch shows: the amount spent when the run stopped, at most what the whole run spent.
    expect(Number(stop?.data.spentUsd)).toBeGreaterThan(0);
    expect(Number(stop?.data.spentUsd)).toBeLessThanOrEqual(spent + 1e-9);
    expect(outcome.state.outputs.postmortem).toBeDefined();
  }, 120_000);
});

describe("PROBE estimates from history", () => {
  it("once three runs have finished, the plan carries a regression of actuals on complexity with R² and an interval", async () => {
    // The runs above (approved, rejected, timed out, stopped at budget) wrote their history records.
    // Regression: the history listing stopped after its first record, so PROBE never had three runs.
    const history = await createHistoryStore(harness.connection, harness.subjects).list();
    const outcome = await harness.run({ title: "Text statistics module", description: "A small Python package.", requirements: [] });
    const plan = outcome.state.outputs.plan as { totals: { complexity: number }; probe?: Record<string, any> };
    expect(plan.probe).toBeDefined();
    expect(plan.probe!.historyRuns).toBeGreaterThanOrEqual(3);
    for (const measure of ["tokens", "costUsd", "durationMs"]) {
      const estimate = plan.probe![measure];
      expect(estimate.rSquared).toBeGreaterThanOrEqual(0);
      expect(estimate.rSquared).toBeLessThanOrEqual(1);
      expect(estimate.lower).toBeLessThanOrEqual(estimate.predicted);
      expect(estimate.upper).toBeGreaterThanOrEqual(estimate.predicted);
    }
    const postmortem = outcome.state.outputs.postmortem as { plannedVersusActual: { tokens: { planned: number | null } } };
    expect(postmortem.plannedVersusActual.tokens.planned).toBe(Math.round(plan.probe!.tokens.predicted));
  }, 120_000);
});
