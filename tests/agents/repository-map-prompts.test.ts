import { afterEach, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { designAgent } from "../../agents/design/agent.ts";
import { planningAgent } from "../../agents/planning/agent.ts";
import type { Repository } from "../../schemas/repository.ts";
import { design, plan, task } from "./support/code-fixture.ts";
import { promptsWithout, requestText, startHandlerHarness, type HandlerHarness } from "./support/handler-harness.ts";

const repository: Repository = {
  name: "greet",
  head: "2".repeat(40),
  files: [],
  map: {
    files: [{ path: "greet/core.py", bytes: 40, lines: 2, language: "python", symbols: ["def greet(name: str) -> str"] }],
    tests: { files: ["tests/test_core.py"], runners: [{ id: "pytest", language: "python" }] },
  },
};
const draft = { summary: plan.summary, units: plan.units.map(({ complexity: _complexity, ...unit }) => unit) };
const scenario = { name: "repository-map", agents: { planning: draft, design } };

let harness: HandlerHarness | undefined;
afterEach(async () => {
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

async function promptsSeen(input: Record<string, unknown>, promptsDirectory?: string): Promise<{ planning: string; design: string }> {
  harness = await startHandlerHarness({ scenario, ...(promptsDirectory ? { promptsDirectory } : {}) });
  const base = { runId: "run-1", task, round: 1, reviewers: [], ...input };
  await planningAgent.handle((planningAgent.input as ZodType<never>).parse({ ...base, stage: "planning" }), harness.context({ agent: "planning", jobId: "planning-r1" }));
  await designAgent.handle((designAgent.input as ZodType<never>).parse({ ...base, stage: "design", plan }), harness.context({ agent: "design", jobId: "design-r1" }));
  const text = (agent: string) => requestText(harness!.model.simulator.transcript().find((entry) => entry.agent === agent)!.request);
  return { planning: text("planning"), design: text("design") };
}

describe("the repository map in the prompts", () => {
  it("reaches planning and design for a change request, and nothing of it for a new project", async () => {
    const seen = await promptsSeen({ repository });
    for (const prompt of [seen.planning, seen.design]) {
      expect(prompt).toContain("Existing repository greet (at commit 222222222222)");
      expect(prompt).toContain("- greet/core.py (2 lines, 40 bytes, python)\n    def greet(name: str) -> str");
      expect(prompt).toContain("They run with: pytest (python)");
    }
    await harness![Symbol.asyncDispose]();
    const fresh = await promptsSeen({});
    expect(fresh.planning).not.toContain("Existing repository");
    expect(fresh.design).not.toContain("Existing repository");
  });

  it("negative control: a copy of prompts/ without {{repositoryMap}} in planning/user takes the map out of planning only", async () => {
    await using prompts = await promptsWithout("planning/user", "repositoryMap");
    const seen = await promptsSeen({ repository }, prompts.directory);
    expect(seen.planning).not.toContain("def greet(name: str) -> str");
    expect(seen.design).toContain("def greet(name: str) -> str");
  });
});
