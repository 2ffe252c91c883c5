import { describe, expect, it } from "vitest";
import { designAgent } from "../../../agents/design/agent.ts";
import { design, plan, task } from "../support/code-fixture.ts";
import { startInMemoryAgents } from "./support/in-memory-agents.ts";

const input = (overrides: Record<string, unknown> = {}) => ({ runId: "run-1", task, stage: "design", round: 1, reviewers: [], plan, ...overrides });

describe("the design handler on the in-memory runtime", () => {
  it("designs from the task and the plan, and returns the model's design as validated", async () => {
    const { runtime, model } = startInMemoryAgents({ design: () => design }, [designAgent]);
    const result = await runtime.run(designAgent, input());
    expect(result).toEqual(design);
    const call = model.calls[0]!;
    expect(call.toolName).toBe("submit_design");
    expect(call.prompt).toContain("greeting: Greeting (complexity 3)");
    expect(call.prompt).not.toContain("A package greet with one module.");
  });

  it("revises its previous design when a review sent it back: the prompt carries both the findings and that design", async () => {
    const { runtime, model } = startInMemoryAgents({ design: () => design }, [designAgent]);
    const feedback = { fromStage: "design-review", round: 1, summary: "one finding", findings: [{ id: "DR-1", severity: "high", category: "api", description: "greet has no error contract", target: "design" }], files: [] };
    await runtime.run(designAgent, input({ round: 2, design, feedback }));
    expect(model.calls[0]!.prompt).toContain("greet has no error contract");
    expect(model.calls[0]!.prompt).toContain("A package greet with one module.");
  });
});
