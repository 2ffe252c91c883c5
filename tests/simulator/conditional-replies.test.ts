import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { loadScenarioFile, parseScenario, startModelSimulator, type ScenarioInput } from "../../simulator/index.ts";
import { clientFor, continueRequest, currentModel, planTool, structuredRequest, textOf } from "./simulator-client.ts";

const brokenTest = "from greet import say_hello\n\ndef test_greet():\n    assert say_hello('a') == 'hello a'\n";
const fixedTest = "from greet import greet\n\ndef test_greet():\n    assert greet('a') == 'hello a'\n";
const failure = "NameError: name 'say_hello' is not defined";

const scenario: ScenarioInput = {
  name: "conditional",
  files: {
    "tests/test_greet.py": [
      brokenTest,
      { requires: ["NameError: name 'say_hello'", "def greet(name"], reply: fixedTest, label: "writer sees the failure and the source" },
    ],
  },
  agents: {
    design: [
      { components: ["cli"], version: 1 },
      { requires: ["DR-1", { regex: "requirement R[0-9]+" }], reply: { components: ["cli", "greeter"], version: 2 } },
    ],
  },
};

const testFile = { "x-asp-file": "tests/test_greet.py" };

/** A round-2 file request: the system prompt, then a user turn with the given parts. */
function repairRequest(parts: string[], system = "You write one file."): Anthropic.MessageCreateParamsNonStreaming {
  return { model: currentModel, max_tokens: 4096, system, messages: [{ role: "user", content: parts.join("\n\n") }] };
}

describe("conditional replies", () => {
  it("answers the reply only when the request carries every required text, and the transcript says which were missing", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, testFile);
    expect(textOf(await client.messages.create(repairRequest(["Write the test."])))).toBe(brokenTest);

    const blind = await client.messages.create(repairRequest([`The test failed: ${failure}`]));
    expect(textOf(blind)).toBe(brokenTest);
    const informed = await client.messages.create(repairRequest([`The test failed: ${failure}`], "You write one file.\n\n# greet.py\ndef greet(name):\n    ..."));
    expect(textOf(informed)).toBe(fixedTest);

    const entries = simulator.transcript();
    expect(entries[0]?.condition).toBeUndefined();
    expect(entries[1]).toMatchObject({
      round: 2,
      condition: { label: "writer sees the failure and the source", met: false, missing: ["def greet(name"] },
    });
    expect(entries[2]).toMatchObject({ round: 3, condition: { label: "writer sees the failure and the source", met: true, missing: [] } });
  });

  it("reads tool_use inputs as JSON and tool_result contents, defaults the fallback to the previous reply and labels by path", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator, { "x-asp-agent": "design" });
    const first = await client.messages.create(structuredRequest());
    expect(first.content[0]).toMatchObject({ type: "tool_use", input: { version: 1 } });

    // The finding id only in the earlier tool call's input, the requirement only in the tool_result.
    const reask = (result: string): Anthropic.MessageCreateParamsNonStreaming => ({
      ...structuredRequest(),
      messages: [
        { role: "user", content: "Design the system." },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: planTool.name, input: { findings: [{ id: "DR-1" }] } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: result }] }] },
      ],
    });
    const without = await client.messages.create(reask("Revise the design."));
    expect(without.content[0]).toMatchObject({ type: "tool_use", input: { version: 1 } });
    const withIt = await client.messages.create(reask("Revise the design for requirement R7."));
    expect(withIt.content[0]).toMatchObject({ type: "tool_use", input: { version: 2 } });

    const [, missed, met] = simulator.transcript();
    expect(missed?.condition).toEqual({ label: "agents.design[1]", met: false, missing: ["/requirement R[0-9]+/"] });
    expect(met?.condition).toEqual({ label: "agents.design[1]", met: true, missing: [] });
    // A fallback still counts as the caller's call: the counter moved on each time.
    expect(simulator.transcript().map((entry) => entry.round)).toEqual([1, 2, 3]);
  });

  it("judges a continued file by its request without the output handed back", async () => {
    // The fallback itself contains the required text, so the continuation's assistant turn carries it.
    const fallback = "def greet(name):\n    pass  # the writer was not told what greet returns\n";
    const onlyWhenTold = {
      name: "continued",
      files: { "greet.py": { requires: ["def greet(name"], reply: "def greet(name):\n    return 'hello ' + name\n", fallback } },
    };
    await using simulator = await startModelSimulator({ scenario: onlyWhenTold });
    const client = clientFor(simulator, { "x-asp-file": "greet.py" });
    const cut = await client.messages.create({ ...repairRequest(["Write greet.py."]), max_tokens: 5 });
    expect(cut.stop_reason).toBe("max_tokens");
    const soFar = textOf(cut);
    expect(soFar).toContain("def greet(name");
    const rest = await client.messages.create(continueRequest(4096, soFar));
    expect(soFar + textOf(rest)).toBe(fallback);
    expect(simulator.transcript().map((entry) => entry.condition?.met)).toEqual([false, false]);
  });
});

describe("conditional reply schema", () => {
  function problemsOf(input: unknown): string {
    try {
      parseScenario(input);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error("expected the scenario to be rejected");
  }

  it("rejects a conditional object with an unknown key, naming the key and the path", () => {
    const message = problemsOf({ name: "typo", files: { "a.py": ["x", { requires: ["y"], reply: "z", falback: "w" }] } });
    expect(message).toContain("files.a.py[1]");
    expect(message).toContain("unknown: falback");
    const agent = problemsOf({ name: "typo", agents: { design: { requires: ["y"], reply: { a: 1 }, fallback: { a: 0 }, lable: "l" } } });
    expect(agent).toContain("agents.design");
    expect(agent).toContain("unknown: lable");
  });

  it("rejects a first conditional without a fallback, a bad regex, an empty requires and a reply of the wrong kind", () => {
    expect(problemsOf({ name: "n", files: { "a.py": { requires: ["x"], reply: "y" } } })).toMatch(/files\.a\.py\.fallback: .*needs a fallback/);
    expect(problemsOf({ name: "n", files: { "a.py": ["x", { requires: [{ regex: "(" }], reply: "y" }] } })).toMatch(/requires\[0\]\.regex: is not a valid regular expression/);
    expect(problemsOf({ name: "n", files: { "a.py": ["x", { requires: [], reply: "y" }] } })).toMatch(/requires needs at least one text/);
    expect(problemsOf({ name: "n", files: { "a.py": ["x", { requires: ["x"], reply: { not: "text" } }] } })).toMatch(/files\.a\.py\[1\]\.reply/);
    expect(problemsOf({ name: "n", agents: { design: [{ a: 1 }, { requires: ["x"], reply: "text" }] } })).toMatch(/agents\.design\[1\]\.reply/);
    expect(problemsOf({ name: "n", files: { "a.py": ["x", { requires: ["x"], reply: "y", fallback: 3 }] } })).toMatch(/files\.a\.py\[1\]\.fallback/);
  });

  it("keeps a tool input that merely has a key named requires", () => {
    const parsed = parseScenario({ name: "n", agents: { plan: { requires: ["python"], units: [] } } });
    expect(parsed.agents["plan"]).toEqual({ requires: ["python"], units: [] });
  });
});

describe("conditional replies in a scenario file", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "simulator-conditional-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("loads the documented YAML form", async () => {
    const path = join(directory, "conditional.yaml");
    await writeFile(
      path,
      [
        "name: yaml-conditional",
        "files:",
        "  tests/test_greet.py:",
        '    - "round 1 text (broken)"',
        "    - requires: [\"NameError: name 'say_hello'\", \"def greet(name\"]",
        '      reply: "fixed text"',
        '      fallback: "still broken text"',
        "agents:",
        "  design:",
        "    - { version: 1 }",
        '    - requires: ["DR-1"]',
        "      reply: { version: 2 }",
        "      label: design sees its finding",
        "",
      ].join("\n"),
      "utf8",
    );
    const loaded = await loadScenarioFile(path);
    expect(loaded.files["tests/test_greet.py"]).toEqual([
      "round 1 text (broken)",
      { requires: ["NameError: name 'say_hello'", "def greet(name"], reply: "fixed text", fallback: "still broken text" },
    ]);
    await using simulator = await startModelSimulator({ scenario: path });
    const client = clientFor(simulator, { "x-asp-file": "tests/test_greet.py", "x-asp-round": "2" });
    expect(textOf(await client.messages.create(repairRequest(["nothing useful"])))).toBe("still broken text");
    expect(simulator.transcript()[0]?.condition).toEqual({
      label: "files.tests/test_greet.py[1]",
      met: false,
      missing: ["NameError: name 'say_hello'", "def greet(name"],
    });
  });
});
