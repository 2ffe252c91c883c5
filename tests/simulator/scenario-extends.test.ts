import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { loadScenarioFile } from "../../simulator/index.ts";

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "simulator-extends-"));
  await mkdir(join(directory, "variants"));
  await writeFile(
    join(directory, "base.yaml"),
    ["name: base", "thinking: false", "agents:", "  planning: { summary: base plan }", "  design: { overview: base design }", "files:", '  a.py: "a\\n"', '  b.py: "b\\n"', ""].join("\n"),
  );
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("a scenario that extends another", () => {
  it("replaces the base's agents and files entry by entry, and other keys whole, relative to its own folder", async () => {
    const path = join(directory, "variants", "variant.yaml");
    await writeFile(path, ["extends: ../base.yaml", "name: variant", "agents:", "  design: [{ overview: first }, { overview: second }]", "files:", '  b.py: ["b1\\n", "b2\\n"]', ""].join("\n"));
    const scenario = await loadScenarioFile(path);
    expect(scenario.name).toBe("variant");
    expect(scenario.thinking).toBe(false);
    expect(scenario.agents).toEqual({ planning: { summary: "base plan" }, design: [{ overview: "first" }, { overview: "second" }] });
    expect(scenario.files).toEqual({ "a.py": "a\n", "b.py": ["b1\n", "b2\n"] });
  });

  it("refuses a chain that comes back to itself, naming the files", async () => {
    const first = join(directory, "first.yaml");
    await writeFile(first, "extends: second.yaml\nname: first\n");
    await writeFile(join(directory, "second.yaml"), "extends: first.yaml\nname: second\n");
    const failure = await loadScenarioFile(first).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/extends itself: .*first\.yaml -> .*second\.yaml -> .*first\.yaml/);
  });

  it("validates the merged result, so a bad key in the variant is still named by its path", async () => {
    const path = join(directory, "typo.yaml");
    await writeFile(path, "extends: base.yaml\nname: typo\nfalts: {}\n");
    await expect(loadScenarioFile(path)).rejects.toThrow(/falts/);
  });
});
