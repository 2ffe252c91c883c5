import { describe, expect, it } from "vitest";
import { codeAgent } from "../../../agents/code/agent.ts";
import { codeReviewAgent } from "../../../agents/code-review/agent.ts";
import { fileWriterAgent } from "../../../agents/file-writer/agent.ts";
import { defineReviewer } from "../../../agents/reviewer/agent.ts";
import { builtInSpecialties } from "../../../schemas/reviewer-job.ts";
import type { ModelScript, RecordedModelCall } from "../../../llm/recording-model.ts";
import type { CodeResult } from "../../../schemas/file-job.ts";
import { codeInput, design, manifest, roundOneFiles, task } from "../support/code-fixture.ts";
import { startInMemoryAgents } from "./support/in-memory-agents.ts";

const reviewers = builtInSpecialties.map((specialty) => defineReviewer(specialty));
const writer = (call: RecordedModelCall) => roundOneFiles[call.file as keyof typeof roundOneFiles];
const noFindings = () => ({ summary: "fine", findings: [] });

/** The code stage runs first on the same runtime, so the review reads the files from the artifacts the writers stored. */
async function reviewOfWrittenCode(reviewerScript: ModelScript & Record<string, unknown>, extraInput: Record<string, unknown> = {}) {
  const agents = startInMemoryAgents({ code: () => manifest, "file-writer": writer, ...reviewerScript }, [codeAgent, fileWriterAgent, [codeReviewAgent, { maxDeliver: 1 }], ...reviewers]);
  const code: CodeResult = await agents.runtime.run(codeAgent, codeInput());
  const review = await agents.runtime.run(codeReviewAgent, { runId: "run-1", task, stage: "code-review", round: 1, reviewers: [], design, code, ...extraInput });
  return { ...agents, code, review };
}

describe("the code-review handler on the in-memory runtime", () => {
  it("sends every reviewer the files' stored content and gives CONDITIONAL_PASS for a medium finding", async () => {
    const medium = { severity: "medium", category: "style", description: "the greeting is built by concatenation", file: "greet/core.py", line: 2, target: "code" };
    const { review, model } = await reviewOfWrittenCode({ "review-security": noFindings, "review-maintainability": () => ({ summary: "one", findings: [medium] }), "review-architecture": noFindings });
    const reviewerCalls = model.calls.filter((call) => call.agent.endsWith(":code"));
    expect(reviewerCalls).toHaveLength(3);
    for (const call of reviewerCalls) expect(call.prompt).toContain("   2     return 'Hello, ' + name + '!'");
    expect(review.verdict).toBe("CONDITIONAL_PASS");
    expect(review.findings).toEqual([expect.objectContaining({ id: "CR-1", file: "greet/core.py", line: 2, reviewer: "review-maintainability" })]);
  });

  it("fails on a high finding with evidence, and drops the file of a finding that names none of the project's", async () => {
    const high = { severity: "high", category: "correctness", description: "an empty name is not refused", file: "greet/core.py", line: 2, target: "code", evidence: "requirement: an empty name raises ValueError" };
    const elsewhere = { severity: "low", category: "style", description: "a helper elsewhere", file: "lib/helpers.py", target: "code" };
    const { review } = await reviewOfWrittenCode({ "review-security": () => ({ summary: "two", findings: [high, elsewhere] }), "review-maintainability": noFindings, "review-architecture": noFindings });
    expect(review.verdict).toBe("FAIL");
    expect(review.findings.find((each) => each.description === "a helper elsewhere")?.file).toBeUndefined();
  });

  it("reports the gate's own check when the project has no test file", async () => {
    const { runtime, deps } = startInMemoryAgents({ "review-security": noFindings, "review-maintainability": noFindings, "review-architecture": noFindings }, [codeReviewAgent, ...reviewers]);
    await deps.artifacts.put("run-1/files/r1/greet/core.py", roundOneFiles["greet/core.py"]);
    const onlySource: CodeResult = {
      manifest: { language: "python", files: [manifest.files[2]!] },
      files: [{ path: "greet/core.py", type: "source", bytes: 1, lines: 2, sha256: "0".repeat(64), round: 1, writer: "w", artifact: "run-1/files/r1/greet/core.py" }],
      round: 1,
      regenerated: ["greet/core.py"],
      warnings: [],
    };
    const review = await runtime.run(codeReviewAgent, { runId: "run-1", task, stage: "code-review", round: 1, reviewers: [], design, code: onlySource });
    expect(review.verdict).toBe("FAIL");
    expect(review.findings).toEqual([expect.objectContaining({ reviewer: "automated-checks", description: "the project has no test file", severity: "high" })]);
  });
});
