import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadTask } from "../../cli/load-task.ts";
import { loadScenarioFile } from "../../simulator/index.ts";
import { examplesDirectory, expectedAgentKeys } from "./support/load-example.ts";

// examples.test.ts checks each example's happy path; its variants (scenario.realistic*.yaml) are run only by slow
// end-to-end files. This one loads every scenario file of examples/ as `asp run --scenario` would, so a variant that
// no longer parses, extends a missing file or names an agent no request is ever sent for fails in seconds.

async function scenarioFiles(): Promise<Array<{ example: string; file: string }>> {
  const found: Array<{ example: string; file: string }> = [];
  for (const example of await readdir(examplesDirectory, { withFileTypes: true })) {
    if (!example.isDirectory()) continue;
    for (const file of await readdir(path.join(examplesDirectory, example.name))) {
      // hostile-python's scenario-base.yaml is the generator's input, not a scenario.
      if (/^scenario(\.[\w-]+)?\.(ya?ml|json)$/.test(file)) found.push({ example: example.name, file });
    }
  }
  return found.sort((a, b) => `${a.example}/${a.file}`.localeCompare(`${b.example}/${b.file}`));
}

const files = await scenarioFiles();

describe("every scenario file of examples/", () => {
  it("includes each realistic variant, change-python's and the review cases' among them", () => {
    const names = files.map(({ example, file }) => `${example}/${file}`);
    for (const expected of ["change-python/scenario.realistic.yaml", "fastapi-hello/scenario.realistic.yaml", "hello-python/scenario.realistic-reviews.yaml", "hello-python/scenario.realistic-outage.yaml"]) {
      expect(names).toContain(expected);
    }
  });

  it.each(files)("$example/$file loads, carries its example's task and answers only agents the pipeline calls", async ({ example, file }) => {
    const scenario = await loadScenarioFile(path.join(examplesDirectory, example, file));
    expect(scenario.task).toEqual(await loadTask(path.join(examplesDirectory, example, "task.yaml")));
    const known = new Set(expectedAgentKeys());
    expect(Object.keys(scenario.agents).filter((key) => !known.has(key))).toEqual([]);
  });
});
