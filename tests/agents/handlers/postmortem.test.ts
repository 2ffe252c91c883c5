import { describe, expect, it } from "vitest";
import { codeAgent } from "../../../agents/code/agent.ts";
import { fileWriterAgent } from "../../../agents/file-writer/agent.ts";
import { postmortemAgent } from "../../../agents/postmortem/agent.ts";
import { defineReviewer } from "../../../agents/reviewer/agent.ts";
import { ModelError } from "../../../errors/index.ts";
import { scriptedReply, type RecordedModelCall } from "../../../llm/recording-model.ts";
import type { CodeResult } from "../../../schemas/file-job.ts";
import { codeInput, design, manifest, plan, roundOneFiles, task } from "../support/code-fixture.ts";
import { startInMemoryAgents } from "./support/in-memory-agents.ts";

const proposal = { summary: "write the tests first", proposals: [{ phase: "code", problem: "a rewrite", change: "tests first", expectedBenefit: "fewer rounds" }] };
// Token counts chosen per call, so the sums below are known without reading the events.
const usage = { "file-writer": { inputTokens: 1000, outputTokens: 100 }, code: { inputTokens: 3000, outputTokens: 300 }, review: { inputTokens: 500, outputTokens: 50 } };
const security = defineReviewer("security");

function script(proposalAnswer: (call: RecordedModelCall) => unknown) {
  return {
    code: () => scriptedReply(manifest, usage.code),
    "file-writer": (call: RecordedModelCall) => scriptedReply(roundOneFiles[call.file as keyof typeof roundOneFiles], usage["file-writer"]),
    "review-security": () => scriptedReply({ summary: "ok", findings: [] }, usage.review),
    postmortem: proposalAnswer,
  };
}

async function runBeforePostmortem(proposalAnswer: (call: RecordedModelCall) => unknown) {
  const agents = startInMemoryAgents(script(proposalAnswer), [codeAgent, fileWriterAgent, security, postmortemAgent]);
  const code: CodeResult = await agents.runtime.run(codeAgent, codeInput(), { jobId: "run-1-code-r1" });
  await agents.runtime.run(security, { gate: "code-review", specialty: "security", task, design, files: [], previousFindings: [] }, { jobId: "run-1-code-review-r1-review-security" });
  return { ...agents, code };
}

describe("the postmortem handler on the in-memory runtime", () => {
  it("adds up the run's llm.call events: totals, per agent and per file", async () => {
    const { runtime, code, deps } = await runBeforePostmortem(() => proposal);
    const callsBefore = runtime.eventsOfType("llm.call", "run-1").length;
    const postmortem = await runtime.run(postmortemAgent, { runId: "run-1", task, stage: "postmortem", round: 1, reviewers: [], outcome: "passed", plan, code }, { jobId: "run-1-postmortem-r1" });
    // Three files written by a model (one declared empty), one manifest, one review.
    expect(callsBefore).toBe(5);
    expect(postmortem.costByAgent["file-writer"]).toMatchObject({ inputTokens: 3000, outputTokens: 300 });
    expect(postmortem.costByAgent.code).toMatchObject({ inputTokens: 3000, outputTokens: 300 });
    expect(postmortem.costByAgent["review-security"]).toMatchObject({ inputTokens: 500, outputTokens: 50 });
    expect(postmortem.costByFile["greet/core.py"]).toMatchObject({ inputTokens: 1000, outputTokens: 100 });
    expect(postmortem.totals.inputTokens).toBe(3000 + 3000 + 500);
    const eventCost = runtime.eventsOfType("llm.call", "run-1").slice(0, callsBefore).reduce((sum, event) => sum + Number(event.data.costUsd), 0);
    expect(postmortem.totals.costUsd).toBeCloseTo(eventCost, 10);
    expect(postmortem.costOfQuality.reviewUsd).toBeGreaterThan(0);
    expect(postmortem.plannedVersusActual.files).toEqual({ planned: 4, actual: 4 });
    expect(postmortem.proposal).toEqual(proposal);
    expect(deps.history.records).toEqual([expect.objectContaining({ runId: "run-1", files: 4, actualCostUsd: postmortem.totals.costUsd })]);
  });

  it("asks for the proposal with the figures it computed", async () => {
    const { runtime, model, code } = await runBeforePostmortem(() => proposal);
    await runtime.run(postmortemAgent, { runId: "run-1", task, stage: "postmortem", round: 1, reviewers: [], outcome: "passed", plan, code });
    const call = model.callsOf("postmortem")[0]!;
    expect(call.toolName).toBe("submit_improvement_proposal");
    expect(call.prompt).toContain(task.title);
    expect(call.prompt).toContain('"inputTokens": 6500');
  });

  it("keeps the figures when the proposal fails", async () => {
    const { runtime, code } = await runBeforePostmortem(() => new ModelError("overloaded", { code: "model_overloaded", retryable: false }));
    const postmortem = await runtime.run(postmortemAgent, { runId: "run-1", task, stage: "postmortem", round: 1, reviewers: [], outcome: "passed", plan, code });
    expect(postmortem.proposal).toBeNull();
    expect(postmortem.totals.inputTokens).toBe(6500);
    expect(runtime.eventsOfType("postmortem.proposal_failed")).toHaveLength(1);
  });
});
