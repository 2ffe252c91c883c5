import { afterEach, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { codeAgent } from "../../agents/code/agent.ts";
import { manifestProblems } from "../../agents/code/validate-manifest.ts";
import { ValidationError } from "../../errors/index.ts";
import type { Manifest } from "../../schemas/manifest.ts";
import { codeInput, design, entry, manifest, plan, scenario, roundOneFiles } from "./support/code-fixture.ts";
import { requestText, startHandlerHarness, type HandlerHarness } from "./support/handler-harness.ts";

let harness: HandlerHarness | undefined;
afterEach(async () => {
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

const files = roundOneFiles;
const broken: Manifest = {
  language: "python",
  files: [...manifest.files.filter((item) => item.path !== "greet/core.py"), entry("greet/core.py", { componentId: "greeting-core", dependsOn: ["greet/util.py"] })],
};

function codeRequests() {
  return harness!.model.simulator.transcript().filter((item) => item.agent === "code" && item.status === 200);
}

async function runCode() {
  const input = (codeAgent.input as ZodType<Parameters<typeof codeAgent.handle>[0]>).parse(codeInput());
  return codeAgent.handle(input, harness!.context());
}

describe("manifest rules go back to the model", () => {
  it("re-asks with the list of problems and succeeds on the fixed manifest", async () => {
    harness = await startHandlerHarness({ scenario: scenario(files, [broken, manifest]) });
    const result = await runCode();
    expect(result.manifest).toEqual(manifest);
    const requests = codeRequests();
    expect(requests).toHaveLength(2);
    const reask = requestText(requests[1]!.request);
    expect(reask).toContain('"greet/core.py" names unknown component "greeting-core"');
    expect(reask).toContain('"greet/core.py" depends on "greet/util.py", which is not in the manifest');
    expect(requestText(requests[0]!.request)).not.toContain("names unknown component");
    // The manifest is planned with the design's packages in view, so it can list their dependency file.
    expect(requestText(requests[0]!.request)).toContain("- pytest >=8,<9 (pypi, dev only): runs the tests");
    expect(harness.eventsOfType("manifest.rejected").map((event) => event.data.problems)).toEqual([
      ['"greet/core.py" depends on "greet/util.py", which is not in the manifest', '"greet/core.py" names unknown component "greeting-core"'],
    ]);
  });

  it("fails the stage with the list of problems once the re-asks are spent, before any file job", async () => {
    harness = await startHandlerHarness({ scenario: scenario(files, broken) });
    const failure = await runCode().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect(failure).toMatchObject({ code: "manifest_invalid", retryable: false });
    expect((failure as Error).message).toContain('names unknown component "greeting-core"');
    expect((failure as ValidationError).details).toMatchObject({ problems: expect.arrayContaining(['"greet/core.py" names unknown component "greeting-core"']) });
    expect(codeRequests()).toHaveLength(3);
    expect(harness.fileJobs).toEqual([]);
  });
});

describe("dependency rules of the manifest", () => {
  it("asks for the dependency file of every registry the design's packages come from", () => {
    const withoutRequirements: Manifest = { ...manifest, files: manifest.files.filter((item) => item.path !== "requirements.txt") };
    expect(manifestProblems(withoutRequirements, design, plan)).toEqual([
      "the design uses pypi packages (pytest) but the manifest has no requirements.txt or pyproject.toml to declare them",
    ]);
    expect(manifestProblems(withoutRequirements, { ...design, packages: [] }, plan)).toEqual([]);
    expect(manifestProblems(manifest, design, plan)).toEqual([]);
  });

  it("refuses an empty dependency file and a file that depends on itself", () => {
    const bad: Manifest = {
      ...manifest,
      files: manifest.files.map((item) => (item.path === "requirements.txt" ? { ...item, estimatedLines: 0 } : item.path === "greet/core.py" ? { ...item, dependsOn: ["greet/core.py"] } : item)),
    };
    expect(manifestProblems(bad, design, plan)).toEqual([
      '"greet/core.py" depends on itself',
      '"requirements.txt" is a dependency file and cannot be empty (estimatedLines 0 declares an empty file)',
    ]);
  });
});
