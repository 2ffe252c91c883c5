import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPipeline } from "../../agents/orchestrator/pipeline-loader.ts";
import { agentRegistry, registrations } from "../../agents/registry.ts";
import { deployDirectory, generateDeployFiles } from "../../deploy/generate-deploy-files.ts";
import { replaceGeneratedBlock } from "../../deploy/generated-block.ts";
import { agentsDocFile, renderAgentsDoc } from "../../docs/generate-agents.ts";
import { repositoryRoot } from "./support/deploy-files.ts";

const registeredNames = registrations.map((registration) => registration.name);

describe("files derived from the agents' registrations", () => {
  it.each(generateDeployFiles().map(({ file, text }) => [file, text]))("deploy/%s is what generate-deploy-files.ts renders", async (file, text) => {
    expect(await readFile(path.join(deployDirectory, file), "utf8"), `run npx tsx deploy/generate-deploy-files.ts`).toBe(text);
  });

  it("docs/agents.md is what generate-agents.ts renders, a row per agent", async () => {
    const checkedIn = await readFile(agentsDocFile, "utf8");
    expect(checkedIn, "run npx tsx docs/generate-agents.ts").toBe(renderAgentsDoc());
    for (const name of registeredNames) expect(checkedIn).toContain(`| \`${name}\` |`);
  });

  it("a generated block is replaced between its markers only, and a file without them is refused", () => {
    const text = ["keep", "  # begin generated: list", "  old", "  # end generated: list", "keep too"].join("\n");
    expect(replaceGeneratedBlock(text, "list", "  new\n  newer", "file")).toBe(["keep", "  # begin generated: list", "  new", "  newer", "  # end generated: list", "keep too"].join("\n"));
    expect(() => replaceGeneratedBlock("no markers", "list", "x", "some.yaml")).toThrow(/some\.yaml has no "# begin generated: list"/);
  });
});

describe("the registry", () => {
  it("names each agent once, and every agent an agent sends jobs to is registered", () => {
    expect(new Set(registeredNames).size).toBe(registeredNames.length);
    for (const registration of registrations) {
      const { calls } = registration.access;
      if (calls === "all") continue;
      for (const callee of calls) expect(agentRegistry[callee], `${registration.name} calls ${callee}`).toBeDefined();
    }
  });

  it("describes every agent (docs/agents.md shows it)", () => {
    for (const registration of registrations) expect(registration.description, registration.name).not.toBe("");
  });

  it("every pipeline of pipelines/ and the test fixtures names registered agents for its stages", async () => {
    for (const directory of [path.join(repositoryRoot, "pipelines"), path.join(repositoryRoot, "tests", "fixtures", "pipelines")]) {
      for (const file of (await readdir(directory)).filter((name) => name.endsWith(".yaml"))) {
        await expect(loadPipeline(path.join(directory, file), undefined, { registeredAgents: registeredNames }), file).resolves.toBeDefined();
      }
    }
  });
});
