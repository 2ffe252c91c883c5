import { describe, expect, it } from "vitest";
import { planningAgent } from "../../../agents/planning/agent.ts";
import { task } from "../support/code-fixture.ts";
import { startInMemoryAgents } from "./support/in-memory-agents.ts";

const unit = (id: string, scores: { api: number; data: number; branches: number; entities: number; novelty: 1 | 2 | 3 }) => ({
  id, name: id, description: id, api_interactions: scores.api, data_transformations: scores.data, logical_branches: scores.branches, code_entities_modified: scores.entities, novelty: scores.novelty,
});
const draft = { summary: "Two units.", units: [unit("format", { api: 0, data: 1, branches: 1, entities: 1, novelty: 1 }), unit("validate", { api: 0, data: 0, branches: 2, entities: 1, novelty: 2 })] };

describe("the planning handler on the in-memory runtime", () => {
  it("asks with the task's requirements and computes the complexity in code, not from the model", async () => {
    const { runtime, model } = startInMemoryAgents({ planning: () => draft }, [planningAgent]);
    const plan = await runtime.run(planningAgent, { runId: "run-1", task, stage: "planning", round: 1, reviewers: [] });
    for (const requirement of task.requirements) expect(model.calls[0]!.prompt).toContain(requirement);
    expect(plan.units.map((each) => each.id)).toEqual(["format", "validate"]);
    expect(plan.totals.units).toBe(2);
    expect(plan.totals.complexity).toBe(plan.units.reduce((sum, each) => sum + each.complexity, 0));
    expect(runtime.eventsOfType("plan.ready")[0]?.data).toMatchObject({ units: 2, complexity: plan.totals.complexity, probe: null });
  });

  it("puts a design review's findings into the prompt of a planning round sent back", async () => {
    const { runtime, model } = startInMemoryAgents({ planning: () => draft }, [planningAgent]);
    const feedback = { fromStage: "design-review", round: 1, summary: "too coarse", findings: [{ id: "DR-4", category: "plan", description: "validation is not a unit of its own", target: "plan" as const, severity: "high" as const, recommendation: "", defectType: "function" as const }], files: [] };
    await runtime.run(planningAgent, { runId: "run-1", task, stage: "planning", round: 2, reviewers: [], feedback });
    expect(model.calls[0]!.prompt).toContain("[high DR-4] validation is not a unit of its own");
  });
});
