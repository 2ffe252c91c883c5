import { afterEach, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { codeAgent } from "../../agents/code/agent.ts";
import { writerPromptValues } from "../../agents/file-writer/agent.ts";
import { readAgentConfig } from "../../agents/shared/agent-config.ts";
import { ConfigError } from "../../errors/index.ts";
import { createPromptStore } from "../../prompts/prompt-store.ts";
import type { FileJob } from "../../schemas/file-job.ts";
import { codeInput, design, entry, scenario, sourceRoundOne, task, testText } from "./support/code-fixture.ts";
import { promptsWithout, startHandlerHarness, type HandlerHarness } from "./support/handler-harness.ts";
import { taskValues } from "../../agents/shared/render.ts";

let harness: HandlerHarness | undefined;
afterEach(async () => {
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

/** A repair-round job that carries every piece of information a writer can get. */
const fullJob: FileJob = {
  path: "requirements.txt",
  round: 2,
  entry: entry("requirements.txt", { type: "config", dependsOn: ["greet/core.py"] }),
  sharedContext: "# Project",
  feedback: "\nFeedback from code-review (round 1): pin the versions\n- [high] requirements.txt: pytest is unpinned\nFix these problems.",
  failingTests: [{ name: "test_pinned", message: "AssertionError: pytest unpinned", file: "tests/test_core.py", line: 7 }],
  previousContent: "pytest\n",
  dependencyFiles: [{ path: "greet/core.py", content: sourceRoundOne }],
  packages: design.packages!,
};

/** What each placeholder carries, as a text only that placeholder puts in the prompt. */
const informationOf: Record<string, string> = {
  dependencyFiles: `<file path="greet/core.py">`,
  packages: "- pytest >=8,<9 (pypi, dev only)",
  feedback: "pytest is unpinned",
  failingTests: "test_pinned at tests/test_core.py:7",
  previousContent: "<previous>\npytest\n</previous>",
};

describe("every piece of a writer's information is its own placeholder", () => {
  it.each(Object.keys(informationOf))("removing {{%s}} from a copy of prompts/ removes only that information", async (placeholder) => {
    const full = await createPromptStore().render("file-writer/user", 1, writerPromptValues(fullJob));
    for (const text of Object.values(informationOf)) expect(full).toContain(text);
    await using copy = await promptsWithout("file-writer/user", placeholder);
    const ablated = await createPromptStore(copy.directory).render("file-writer/user", 1, writerPromptValues(fullJob));
    for (const [other, text] of Object.entries(informationOf)) {
      if (other === placeholder) expect(ablated).not.toContain(text);
      else expect(ablated).toContain(text);
    }
  });

  it("the shared context carries the requirements in {{requirements}}", async () => {
    const values = { ...taskValues(task), design: "D", manifest: "M" };
    expect(await createPromptStore().render("file-writer/shared-context", 1, values)).toContain("- an empty name raises ValueError");
    await using copy = await promptsWithout("file-writer/shared-context", "requirements");
    expect(await createPromptStore(copy.directory).render("file-writer/shared-context", 1, values)).not.toContain("an empty name raises ValueError");
  });
});

describe("a negative control with a copy of prompts/", () => {
  it("the same scenario without {{dependencyFiles}} sends the test's writer no source content", async () => {
    await using copy = await promptsWithout("file-writer/user", "dependencyFiles");
    harness = await startHandlerHarness({
      scenario: scenario({ "greet/core.py": sourceRoundOne, "tests/test_core.py": testText, "requirements.txt": "pytest>=8,<9\n" }),
      promptsDirectory: copy.directory,
    });
    const input = (codeAgent.input as ZodType<Parameters<typeof codeAgent.handle>[0]>).parse(codeInput());
    await codeAgent.handle(input, harness.context());
    // The job still carries it; the ablated prompt drops it.
    expect(harness.fileJobs.find((job) => job.input.path === "tests/test_core.py")!.input.dependencyFiles![0]!.content).toBe(sourceRoundOne);
    const [request] = harness.fileRequests("tests/test_core.py");
    expect(request!.text).not.toContain(sourceRoundOne);
    expect(request!.text).toContain("an empty name raises ValueError");
  });
});

describe("ASP_PROMPTS_DIR", () => {
  it("is read once into the agents' config, and a folder that does not exist is refused naming the variable", async () => {
    expect(readAgentConfig({}).promptsDirectory).toBeUndefined();
    await using copy = await promptsWithout("file-writer/user", "feedback");
    const config = readAgentConfig({ ASP_PROMPTS_DIR: copy.directory });
    expect(config.promptsDirectory).toBe(copy.directory);
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => readAgentConfig({ ASP_PROMPTS_DIR: `${copy.directory}/missing` })).toThrow(ConfigError);
    expect(() => readAgentConfig({ ASP_PROMPTS_DIR: `${copy.directory}/missing` })).toThrow(/ASP_PROMPTS_DIR/);
  });
});
