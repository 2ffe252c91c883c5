import { describe, expect, it } from "vitest";
import { defineReviewer } from "../../../agents/reviewer/agent.ts";
import { builtInSpecialties } from "../../../schemas/reviewer-job.ts";
import { ModelError } from "../../../errors/index.ts";
import type { RecordedModelCall } from "../../../llm/recording-model.ts";
import { createPromptStore } from "../../../prompts/prompt-store.ts";
import type { ReviewerJob } from "../../../schemas/reviewer-job.ts";
import { design, plan, task } from "../support/code-fixture.ts";
import { promptsWithout } from "../support/handler-harness.ts";
import { startInMemoryAgents } from "./support/in-memory-agents.ts";

const source = "def greet(name):\n    return 'Hello, ' + name + '!'\n";

function codeJob(specialty: string, overrides: Partial<ReviewerJob> = {}): ReviewerJob {
  return {
    gate: "code-review",
    specialty,
    task,
    design,
    files: [{ path: "greet/core.py", type: "source", content: source }],
    previousFindings: [{ id: "CR-3", severity: "high", description: "an empty name is not refused", file: "greet/core.py", line: 2 }],
    ...overrides,
  };
}

/** A reviewer model that can only say CR-3 is still open when it is told about CR-3. */
function followsPreviousFindings(call: RecordedModelCall) {
  if (!call.prompt.includes("CR-3")) return { summary: "looks fine", findings: [], resolved: [] };
  return {
    summary: "CR-3 is still open",
    findings: [{ severity: "high", category: "correctness", description: "an empty name is still not refused", file: "greet/core.py", line: 2, target: "code", evidence: "requirement: an empty name raises ValueError" }],
    resolved: [],
  };
}

describe.each(builtInSpecialties)("the %s reviewer on the in-memory runtime", (specialty) => {
  const reviewer = defineReviewer(specialty);

  it("tells the model its focus, the requirements, the numbered code and the previous findings by id", async () => {
    const { runtime, model } = startInMemoryAgents({ [`review-${specialty}`]: followsPreviousFindings }, [reviewer]);
    const reply = await runtime.run(reviewer, codeJob(specialty));
    const call = model.calls[0]!;
    expect(call).toMatchObject({ kind: "structured", agent: `review-${specialty}:code`, toolName: "submit_review" });
    expect(call.system).toContain(`Your focus is ${specialty}`);
    for (const requirement of task.requirements) expect(call.prompt).toContain(requirement);
    expect(call.prompt).toContain("   2     return 'Hello, ' + name + '!'");
    expect(call.prompt).toMatch(/CR-3 \[high\] greet\/core\.py:2: an empty name is not refused/);
    expect(reply.findings).toEqual([expect.objectContaining({ description: "an empty name is still not refused", defectType: "function", recommendation: "" })]);
  });

  it("reviews the plan and the design at the design gate", async () => {
    const { runtime, model } = startInMemoryAgents({ [`review-${specialty}`]: () => ({ summary: "ok", findings: [] }) }, [reviewer]);
    await runtime.run(reviewer, { gate: "design-review", specialty, task, plan, design, previousFindings: [] });
    const call = model.calls[0]!;
    expect(call.agent).toBe(`review-${specialty}:design`);
    expect(call.prompt).toContain("Design:\n## Overview");
    expect(call.prompt).toContain("Plan:\nOne unit.");
  });
});

describe("a reviewer's reply", () => {
  const reviewer = defineReviewer("security");

  it("negative control: with the previous findings taken out of the prompt, the open finding is not reported again", async () => {
    await using prompts = await promptsWithout("reviewer/user", "previousFindings");
    const { runtime, model } = startInMemoryAgents({ "review-security": followsPreviousFindings }, [reviewer], { prompts: createPromptStore(prompts.directory) });
    const reply = await runtime.run(reviewer, codeJob("security"));
    expect(model.calls[0]!.prompt).not.toContain("CR-3");
    expect(reply.findings).toEqual([]);
  });

  it("is re-asked with the schema's complaint when it does not fit, and the corrected reply is the answer", async () => {
    const answers = [{ summary: "bad", findings: [{ severity: "urgent", category: "x", description: "y" }] }, { summary: "fixed", findings: [] }];
    const { runtime, model } = startInMemoryAgents({ "review-security": answers }, [reviewer]);
    const reply = await runtime.run(reviewer, codeJob("security"));
    expect(reply.summary).toBe("fixed");
    expect(model.calls.map((call) => call.reply)).toEqual([1, 2]);
    expect(model.calls[1]!.problems.join(" ")).toContain("findings.0.severity");
  });

  it("that never fits fails the job as structured_output_invalid, delivered again as a fresh conversation", async () => {
    const { runtime, model } = startInMemoryAgents({ "review-security": () => ({ nothing: true }) }, [[reviewer, { maxDeliver: 2 }]]);
    const failure = await runtime.run(reviewer, codeJob("security")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelError);
    expect(failure).toMatchObject({ code: "structured_output_invalid" });
    // Three replies per conversation (the model layer's re-asks), two deliveries of the job (modelForJob makes it retryable).
    expect(model.calls).toHaveLength(6);
    expect(runtime.deliveries.map((delivery) => delivery.outcome)).toEqual(["retried", "dead_letter"]);
  });
});
