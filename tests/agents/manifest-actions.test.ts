import { afterEach, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { codeAgent } from "../../agents/code/agent.ts";
import { manifestProblems } from "../../agents/code/validate-manifest.ts";
import { manifestSchema } from "../../schemas/manifest.ts";
import type { Repository } from "../../schemas/repository.ts";
import { codeInput, design, entry, plan, scenario, testText } from "./support/code-fixture.ts";
import { requestText, startHandlerHarness, type HandlerHarness } from "./support/handler-harness.ts";

const noPackages = { ...design, packages: [] };
const file = (path: string, lines: number) => ({ path, bytes: lines * 10, lines, sha256: "b".repeat(64), artifact: `run-1/repository/${path}` });
const repository: Repository = {
  name: "greet",
  head: "1".repeat(40),
  files: [file("greet/core.py", 2), file("greet/legacy.py", 3), file("README.md", 1)],
  map: { files: [], tests: { files: [], runners: [] } },
};

describe("manifest actions", () => {
  it("default to create, so a manifest without them is what it was", () => {
    const parsed = manifestSchema.parse({ language: "python", files: [entry("a.py")] });
    expect(parsed.files[0]!.action).toBeUndefined();
    expect(manifestProblems({ language: "python", files: [entry("a.py"), entry("test_a.py", { type: "test" })] }, noPackages, plan)).toEqual([]);
  });

  it("must match the repository: modify and delete name its files, create does not, and a new project has nothing to modify", () => {
    const manifest = {
      language: "python" as const,
      files: [
        entry("greet/core.py", { action: "create" }),
        entry("greet/missing.py", { action: "modify" }),
        entry("greet/legacy.py", { action: "delete", estimatedLines: 0 }),
        entry("tests/test_core.py", { type: "test", dependsOn: ["greet/legacy.py", "README.md"] }),
      ],
    };
    expect(manifestProblems(manifest, noPackages, plan, repository)).toEqual([
      '"greet/core.py" already exists in the repository: its action is modify, not create',
      '"greet/missing.py" has action modify, but the repository has no such file',
      '"tests/test_core.py" depends on "greet/legacy.py", which the manifest deletes',
    ]);
    expect(manifestProblems({ language: "python", files: [entry("a.py", { action: "modify" }), entry("t.py", { type: "test" })] }, noPackages, plan)).toEqual([
      '"a.py" has action modify, but the run has no repository: every file is created',
    ]);
  });
});

let harness: HandlerHarness | undefined;
afterEach(async () => {
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

describe("the code agent on a repository", () => {
  it("deletes without a writer, keeps every file the manifest does not name, and shows a writer the repository file it depends on", async () => {
    const manifest = { language: "python", files: [entry("greet/legacy.py", { action: "delete", estimatedLines: 0 }), entry("tests/test_core.py", { type: "test", estimatedLines: 9, dependsOn: ["greet/core.py"] })] };
    harness = await startHandlerHarness({ scenario: scenario({ "tests/test_core.py": testText }, manifest) });
    harness.artifacts.set("run-1/repository/greet/core.py", "def greet(name):\n    return name\n");
    harness.artifacts.set("run-1/repository/greet/legacy.py", "a = 1\nb = 2\nc = 3\n");
    harness.artifacts.set("run-1/repository/README.md", "# greet\n");
    const input = (codeAgent.input as ZodType<Parameters<typeof codeAgent.handle>[0]>).parse(codeInput({ design: noPackages, repository }));
    const result = await codeAgent.handle(input, harness.context({ jobId: "code-r1" }));

    // The manifest is planned from the repository's map ({{repositoryMap}} in code/manifest-user).
    const manifestRequest = requestText(harness.model.simulator.transcript().find((call) => call.agent === "code")!.request);
    expect(manifestRequest).toContain("Existing repository greet (at commit 111111111111): this task changes it.");
    expect(harness.fileJobs.map((job) => job.input.path)).toEqual(["tests/test_core.py"]);
    expect(harness.fileRequests("tests/test_core.py")[0]!.text).toContain('<file path="greet/core.py">\ndef greet(name):\n    return name\n</file>');
    expect(result.files.map((generated) => [generated.path, generated.writer === "repository"]).sort()).toEqual([
      ["README.md", true],
      ["greet/core.py", true],
      ["tests/test_core.py", false],
    ]);
    expect(result.files.find((generated) => generated.path === "greet/core.py")!.artifact).toBe("run-1/repository/greet/core.py");
    expect(result.deleted).toEqual(["greet/legacy.py"]);
    expect(result.changes).toEqual({
      base: 6,
      added: 9,
      modified: 0,
      deleted: 3,
      files: [
        { path: "greet/legacy.py", action: "delete", base: 3, added: 0, modified: 0, deleted: 3 },
        { path: "tests/test_core.py", action: "create", base: 0, added: 9, modified: 0, deleted: 0 },
      ],
    });
    expect(harness.eventsOfType("code.changes")[0]!.data).toEqual({ round: 1, base: 6, added: 9, modified: 0, deleted: 3 });
  });
});
