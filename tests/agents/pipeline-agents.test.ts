import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPipeline } from "../../agents/orchestrator/pipeline-loader.ts";

const registeredAgents = ["orchestrator", "planning", "design"];
let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "asp-pipeline-agents-"));
  await writeFile(path.join(directory, "typo.yaml"), "name: typo\nstages:\n  - { id: design, agent: desing, output: design }\n");
  await writeFile(path.join(directory, "plugin.yaml"), "name: plugin\nplugins: [license-stage]\nstages:\n  - { id: licence, agent: license-stage, output: licence }\n");
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("a pipeline's stage agents", () => {
  it("a stage naming no registered agent is refused when the pipeline loads, naming the stage and the agent", async () => {
    await expect(loadPipeline("typo", directory, { registeredAgents })).rejects.toThrow(/stage "design" names agent "desing", which is no built-in agent \(orchestrator, planning, design\)/);
  });

  it("a plug-in stage is accepted when the pipeline lists it under plugins", async () => {
    const pipeline = await loadPipeline("plugin", directory, { registeredAgents });
    expect(pipeline.plugins).toEqual(["license-stage"]);
  });

  it("without the registry (tools that only read a pipeline) no agent is checked", async () => {
    await expect(loadPipeline("typo", directory)).resolves.toMatchObject({ name: "typo" });
  });
});
