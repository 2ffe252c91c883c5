import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { loadScenarioFile, startModelSimulator } from "../../simulator/index.ts";
import { clientFor, fileRequest, textOf } from "./simulator-client.ts";

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "simulator-scenarios-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function scenarioFile(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text, "utf8");
  return path;
}

describe("loadScenarioFile", () => {
  it("loads YAML with defaults filled in", async () => {
    const path = await scenarioFile(
      "ok.yaml",
      ["name: ok", "agents:", "  planning: { summary: plan }", "files:", '  src/app.py: "print(1)\\n"', ""].join("\n"),
    );
    const scenario = await loadScenarioFile(path);
    expect(scenario.agents["planning"]).toEqual({ summary: "plan" });
    expect(scenario.files["src/app.py"]).toBe("print(1)\n");
    expect(scenario.faults).toMatchObject({ rate: 0, script: [], slowMs: 1500, retryAfterSeconds: 0 });
    expect(scenario.cache.minTokens).toBe(1024);
    expect(scenario.latency).toEqual({ timeToFirstTokenMs: 0, tokensPerSecond: 0 });
  });

  it("loads JSON, and a server can start from the path", async () => {
    const path = await scenarioFile("ok.json", JSON.stringify({ name: "json", files: { "a.txt": ["one", "two"] } }));
    const loaded = await loadScenarioFile(path);
    expect(loaded.name).toBe("json");
    await using simulator = await startModelSimulator({ scenario: path });
    expect(textOf(await clientFor(simulator, { "x-asp-file": "a.txt" }).messages.create(fileRequest()))).toBe("one");
    await using fromObject = await startModelSimulator({ scenario: loaded });
    expect(textOf(await clientFor(fromObject, { "x-asp-file": "a.txt", "x-asp-round": "2" }).messages.create(fileRequest()))).toBe("two");
  });

  it("names every invalid field by its path", async () => {
    const path = await scenarioFile(
      "bad.yaml",
      ["name: bad", "agents:", "  planning: just a string", "faults:", "  rate: 2", "  kinds: [overloaded, meltdown]", "extra: 1", ""].join("\n"),
    );
    const error = await loadScenarioFile(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(path);
    expect(message).toMatch(/agents\.planning/);
    expect(message).toMatch(/faults\.rate/);
    expect(message).toMatch(/faults\.kinds\[1\]/);
    expect(message).toMatch(/extra/);
  });

  it.each([
    ["missing.yaml", undefined, /cannot read scenario file .*missing\.yaml/],
    ["broken.yaml", "name: [unclosed", /is not valid YAML/],
    ["broken.json", "{ name: ", /is not valid JSON/],
    ["empty.yml", "", /is empty/],
    ["scenario.txt", "name: x", /must end in \.yaml, \.yml or \.json/],
    ["nameless.yaml", "files: {}", /name/],
  ])("explains what is wrong with %s", async (name, text, pattern) => {
    const path = text === undefined ? join(directory, name) : await scenarioFile(name, text);
    await expect(loadScenarioFile(path)).rejects.toThrow(pattern);
  });

  it("rejects a bad scenario object passed to startModelSimulator", async () => {
    await expect(startModelSimulator({ scenario: { name: "x", faults: { rate: -1 } } })).rejects.toThrow(/faults\.rate/);
  });

  it("accepts the example in docs/scenarios.md", async () => {
    const documentation = await readFile(new URL("../../docs/scenarios.md", import.meta.url), "utf8");
    const example = /```yaml\n([\s\S]*?)```/.exec(documentation)?.[1];
    expect(example).toBeDefined();
    const scenario = await loadScenarioFile(await scenarioFile("docs-example.yaml", example!));
    expect(Object.keys(scenario.agents).length).toBeGreaterThan(0);
    expect(Object.keys(scenario.files).length).toBeGreaterThan(0);
    expect(scenario.faults.script.length).toBeGreaterThan(0);
  });

  it("accepts every YAML fragment in docs/scenarios.md, the conditional replies included", async () => {
    const documentation = await readFile(new URL("../../docs/scenarios.md", import.meta.url), "utf8");
    const fragments = [...documentation.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(fragments.length).toBeGreaterThan(1);
    for (const [index, fragment] of fragments.entries()) {
      const text = /^name:/m.test(fragment) ? fragment : `name: fragment-${index}\n${fragment}`;
      await loadScenarioFile(await scenarioFile(`docs-fragment-${index}.yaml`, text));
    }
  });
});
