import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Manifest } from "../../schemas/manifest.ts";
import type { Postmortem } from "../../schemas/postmortem.ts";
import type { TestReport } from "../../schemas/test-report.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { highFinding, loadExampleScenario, scenarioText, type ExampleScenario, type ScenarioData } from "./support/example-scenarios.ts";
import { eventsOfType, startPipelineHarness, type PipelineHarness, type RunOutcome } from "./support/pipeline-harness.ts";

// A run takes seconds alone, but the machine is shared: leave room beyond the 60 s default.
vi.setConfig({ testTimeout: 150_000 });

let harness: PipelineHarness;
let example: ExampleScenario;

beforeAll(async () => {
  example = await loadExampleScenario("hello-python");
  harness = await startPipelineHarness({ scenario: example.data(), writers: 2 });
}, 120_000);

afterAll(async () => {
  await harness?.[Symbol.asyncDispose]();
});

async function runVariant(change: (data: ScenarioData) => void): Promise<{ outcome: RunOutcome; data: ScenarioData }> {
  const data = example.data();
  change(data);
  harness.setScenario(data);
  return { outcome: await harness.run(example.task), data };
}

const gateVerdicts = (events: AspEvent[], stage: string) =>
  eventsOfType(events, "gate.verdict").filter((event) => event.data.stage === stage).map((event) => event.data.verdict);
const stageRounds = (events: AspEvent[], stage: string) =>
  eventsOfType(events, "stage.started").filter((event) => event.data.stage === stage).map((event) => event.data.round);
const writtenInRound = (events: AspEvent[], round: number) =>
  eventsOfType(events, "file.written").filter((event) => event.data.round === round).map((event) => String(event.data.path)).sort();

/** The design review fails once on a high security finding; the second design passes. */
function failDesignReviewOnce(data: ScenarioData): void {
  const clean = data.agents["review-security:design"];
  data.agents["review-security:design"] = [
    { summary: "The design trusts its input.", findings: [highFinding({ description: "The tokenizer design never bounds input size.", componentId: "tokenizer" })] },
    clean,
  ];
  data.agents.design = [data.agents.design, data.agents.design];
}

/** The code review fails once on a high finding naming one source file, whose round-2 text differs. */
const reviewedFile = "textstats/summary.py";
const reviewedRoundTwo = (data: ScenarioData) => `${scenarioText(data, reviewedFile)}\n# Reviewed: reading time rounds up, as the contract says.\n`;
function failCodeReviewOnce(data: ScenarioData): void {
  const clean = data.agents["review-maintainability:code"];
  data.agents["review-maintainability:code"] = [
    {
      summary: "One function hides a rounding rule.",
      findings: [highFinding({ target: "code", file: reviewedFile, line: 3, description: "reading_time_minutes rounds without saying how.", defectType: "documentation" })],
    },
    clean,
  ];
  data.files[reviewedFile] = [scenarioText(data, reviewedFile), reviewedRoundTwo(data)];
}

describe("a failing design review sends the run back to design", () => {
  it("fails, redesigns with the findings, then passes", async () => {
    const { outcome } = await runVariant(failDesignReviewOnce);
    expect(outcome.summary.status).toBe("passed");
    expect(gateVerdicts(outcome.events, "design-review")).toEqual(["FAIL", "PASS"]);
    expect(stageRounds(outcome.events, "design")).toEqual([1, 2]);
    expect(stageRounds(outcome.events, "design-review")).toEqual([1, 2]);
    // The second design call carries the finding as feedback; the first does not.
    const designCalls = harness.simulator
      .transcript()
      .filter((entry) => entry.runId === outcome.summary.runId && entry.agent === "design" && entry.status === 200);
    expect(designCalls).toHaveLength(2);
    expect(JSON.stringify(designCalls[0]!.request)).not.toContain("never bounds input size");
    expect(JSON.stringify(designCalls[1]!.request)).toContain("never bounds input size");
    // Code ran once, after the design passed.
    expect(stageRounds(outcome.events, "code")).toEqual([1]);
  });
});

describe("a failing code review regenerates only the files it names", () => {
  it("rewrites only the files the review names (and a named test's dependencies) and keeps the round-2 text", async () => {
    const { outcome, data } = await runVariant(failCodeReviewOnce);
    expect(outcome.summary.status).toBe("passed");
    expect(gateVerdicts(outcome.events, "code-review")).toEqual(["FAIL", "PASS"]);
    expect(stageRounds(outcome.events, "code")).toEqual([1, 2]);
    expect(writtenInRound(outcome.events, 1)).toEqual(Object.keys(data.files).sort());
    // Round 2 rewrites the files the review's non-info findings name: the high one on summary.py and
    // the example's own low one on tests/test_summary.py, plus what that test depends on (select-files.ts).
    const review = await harness.stageResult(outcome.summary.runId, "code-review", "code-review", 1);
    const named = new Set(((review.findings ?? []) as Array<{ severity: string; file?: string }>).filter((finding) => finding.severity !== "info" && finding.file).map((finding) => finding.file!));
    expect(named).toContain(reviewedFile);
    const manifest = (outcome.state.outputs.code as { manifest: Manifest }).manifest;
    for (const entry of manifest.files) if (entry.type === "test" && named.has(entry.path)) entry.dependsOn.forEach((path) => named.add(path));
    const regenerated = writtenInRound(outcome.events, 2);
    expect(regenerated).toEqual([...named].sort());
    expect(regenerated).toEqual(["tests/test_summary.py", "textstats/__init__.py", reviewedFile]);
    expect((outcome.state.outputs.code as { regenerated: string[] }).regenerated.sort()).toEqual(regenerated);
    for (const untouched of ["textstats/tokenize.py", "tests/test_tokenize.py", "tests/__init__.py"]) expect(regenerated).not.toContain(untouched);
    expect(outcome.files.get(reviewedFile)!.toString("utf8")).toBe(reviewedRoundTwo(data));
    // The others keep their round-1 artifacts.
    const files = (outcome.state.outputs.code as { files: Array<{ path: string; round: number }> }).files;
    for (const file of files) expect(file.round, file.path).toBe(regenerated.includes(file.path) ? 2 : 1);
    for (const [filePath, bytes] of outcome.files) {
      if (filePath !== reviewedFile) expect(bytes.toString("utf8"), filePath).toBe(scenarioText(data, filePath, 1));
    }
  });
});

describe("a failing generated test is repaired in the next round", () => {
  const buggyFile = "textstats/tokenize.py";
  const breakLowerCasing = (data: ScenarioData) => {
    const fixed = scenarioText(data, buggyFile);
    const buggy = fixed.replace("match.group(0).lower()", "match.group(0)");
    expect(buggy).not.toBe(fixed);
    data.files[buggyFile] = [buggy, fixed];
  };

  it("fails round 1 on the bug, regenerates the implicated files only, and passes round 2", async () => {
    const { outcome, data } = await runVariant(breakLowerCasing);
    expect(outcome.summary.status).toBe("passed");
    expect(gateVerdicts(outcome.events, "test")).toEqual(["FAIL", "PASS"]);

    const firstReport = (await harness.stageResult(outcome.summary.runId, "test", "test", 1)) as TestReport;
    expect(firstReport.verdict).toBe("FAIL");
    expect(firstReport.failed).toBeGreaterThan(0);
    expect(firstReport.failures.map((failure) => failure.name).join(" ")).toContain("test_lower_cases_and_drops_punctuation");
    const finalReport = outcome.state.outputs.testReport as TestReport;
    expect(finalReport.verdict).toBe("PASS");
    expect(finalReport.passed).toBe(14);

    // What round 2 may touch: the files the failing run names, plus the code a named test depends on.
    const manifest = (outcome.state.outputs.code as { manifest: Manifest }).manifest;
    const implicated = new Set(firstReport.implicatedFiles);
    for (const entry of manifest.files) if (entry.type === "test" && firstReport.implicatedFiles.includes(entry.path)) entry.dependsOn.forEach((path) => implicated.add(path));
    const regenerated = writtenInRound(outcome.events, 2);
    expect(regenerated).toEqual([...implicated].sort());
    expect(regenerated).toContain(buggyFile);
    expect(regenerated.length).toBeLessThan(manifest.files.length);
    expect(regenerated).not.toContain("tests/__init__.py");
    expect(outcome.files.get(buggyFile)!.toString("utf8")).toBe(scenarioText(data, buggyFile, 2));
  });
});

describe("a manifest that escapes the project folder is rejected", () => {
  const cases = [
    { path: "../x.py", why: "traverses out of the output folder" },
    { path: "/etc/x", why: "is absolute" },
  ];
  it.each(cases)("rejects $path before any file job, naming the path and why", async ({ path, why }) => {
    const { outcome } = await runVariant((data) => {
      const manifest = data.agents.code as { files: Array<Record<string, unknown>> };
      manifest.files.push({ ...manifest.files[1], path, purpose: "A file outside the project." });
    });
    expect(["error", "failed"]).toContain(outcome.summary.status);
    expect(outcome.summary.reason).toContain(`"${path}"`);
    expect(outcome.summary.reason).toContain(why);
    expect(eventsOfType(outcome.events, "file.written")).toEqual([]);
    expect(eventsOfType(outcome.events, "file.started")).toEqual([]);
    const fileRequests = harness.simulator.transcript().filter((entry) => entry.runId === outcome.summary.runId && entry.file !== null);
    expect(fileRequests).toEqual([]);
    expect(outcome.files.size).toBe(0);
  });
});

describe("postmortem figures agree with the run's events", () => {
  it("totals are the sums of llm.call events, costByAgent adds up, one defect per distinct non-info finding, however many rounds raised it", async () => {
    const { outcome } = await runVariant((data) => {
      failDesignReviewOnce(data);
      failCodeReviewOnce(data);
    });
    expect(outcome.summary.status).toBe("passed");
    const postmortem = outcome.state.outputs.postmortem as Postmortem;
    // The postmortem's own proposal call comes after its figures, so it is not in them.
    const calls = eventsOfType(outcome.events, "llm.call").filter((event) => event.agent !== "postmortem");
    const sum = (field: string) => calls.reduce((total, event) => total + Number(event.data[field] ?? 0), 0);
    expect(calls.length).toBeGreaterThan(10);
    expect(postmortem.totals.calls).toBe(calls.length);
    expect(postmortem.totals.inputTokens).toBe(sum("inputTokens"));
    expect(postmortem.totals.outputTokens).toBe(sum("outputTokens"));
    expect(postmortem.totals.cacheWriteTokens).toBe(sum("cacheWriteTokens"));
    expect(postmortem.totals.cacheReadTokens).toBe(sum("cacheReadTokens"));
    expect(postmortem.totals.costUsd).toBeGreaterThan(0);
    expect(postmortem.totals.costUsd).toBeCloseTo(sum("costUsd"), 9);

    const byAgent = Object.values(postmortem.costByAgent);
    expect(byAgent.reduce((total, agent) => total + agent.calls, 0)).toBe(postmortem.totals.calls);
    expect(byAgent.reduce((total, agent) => total + agent.inputTokens + agent.outputTokens, 0)).toBe(postmortem.totals.inputTokens + postmortem.totals.outputTokens);
    expect(byAgent.reduce((total, agent) => total + agent.costUsd, 0)).toBeCloseTo(postmortem.totals.costUsd, 9);

    // Defects: every distinct non-info finding of every gate round, read from the gates' own stored results. A review
    // finding raised again in round 2 keeps its id and is the same defect (decision 1124); the test gate ran once.
    const distinct = new Set<string>();
    let repeated = 0;
    for (const [stage, rounds] of [["design-review", 2], ["code-review", 2], ["test", 1]] as const) {
      for (let round = 1; round <= rounds; round++) {
        const result = await harness.stageResult(outcome.summary.runId, stage, stage, round);
        const findings = ((result.findings ?? []) as Array<{ severity: string; id?: string }>).filter((finding) => finding.severity !== "info");
        for (const [index, finding] of findings.entries()) {
          const identity = `${stage}|${finding.id ?? `${round}-${index}`}`;
          if (distinct.has(identity)) repeated += 1;
          distinct.add(identity);
        }
        const failures = [...((result.failures ?? []) as unknown[]), ...((result.buildErrors ?? []) as unknown[])];
        failures.forEach((_, index) => distinct.add(`${stage}|failure-${round}-${index}`));
      }
    }
    expect(distinct.size).toBeGreaterThanOrEqual(2);
    // The scripted reviewers repeat their remarks in round 2, so merging is exercised, not assumed.
    expect(repeated).toBeGreaterThan(0);
    expect(postmortem.defects).toHaveLength(distinct.size);
    expect(postmortem.defects.filter((defect) => (defect.rounds ?? []).length === 2)).toHaveLength(repeated);
    expect(postmortem.defects.map((defect) => defect.removedIn).sort()).toEqual(expect.arrayContaining(["code-review", "design-review"]));
  });
});

describe("regression: a design cut off three times in a row errored the run instead of retrying", () => {
  it("redelivers the job for a fresh conversation after the model layer gives up, and the run passes", async () => {
    const { outcome } = await runVariant((data) => {
      data.faults = { script: [{ kind: "truncated", agent: "design", times: 3 }] };
    });
    expect(outcome.summary.status).toBe("passed");
    const designFailures = eventsOfType(outcome.events, "job.failed").filter((event) => event.agent === "design");
    expect(designFailures).toHaveLength(1);
    expect(designFailures[0]!.data).toMatchObject({ final: false });
    expect(String(designFailures[0]!.data.reason)).toContain("no valid");
    expect(stageRounds(outcome.events, "design")).toEqual([1]);
  });
});
