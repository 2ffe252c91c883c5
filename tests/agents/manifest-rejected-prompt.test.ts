import { afterEach, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { codeAgent } from "../../agents/code/agent.ts";
import type { Manifest } from "../../schemas/manifest.ts";
import { codeInput, entry, manifest, scenario, roundOneFiles } from "./support/code-fixture.ts";
import { promptsWithout, requestText, startHandlerHarness, type HandlerHarness } from "./support/handler-harness.ts";

let harness: HandlerHarness | undefined;
afterEach(async () => {
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

const files = roundOneFiles;
const broken: Manifest = {
  language: "python",
  files: [...manifest.files.filter((item) => item.path !== "greet/core.py"), entry("greet/core.py", { componentId: "greeting-core" })],
};
const problem = '"greet/core.py" names unknown component "greeting-core"';

async function reaskText(promptsDirectory?: string): Promise<string> {
  await harness?.[Symbol.asyncDispose]();
  harness = await startHandlerHarness({ scenario: scenario(files, [broken, manifest]), ...(promptsDirectory ? { promptsDirectory } : {}) });
  const input = (codeAgent.input as ZodType<Parameters<typeof codeAgent.handle>[0]>).parse(codeInput());
  await codeAgent.handle(input, harness.context());
  const requests = harness.model.simulator.transcript().filter((item) => item.agent === "code" && item.status === 200);
  return requestText(requests[1]!.request);
}

describe("the manifest re-ask's problems come from code/manifest-rejected", () => {
  it("carries the validator's problem in {{problems}}, and a copy of prompts/ without it removes only that", async () => {
    expect(await reaskText()).toContain(`the result breaks these rules: ${problem}`);
    await using prompts = await promptsWithout("code/manifest-rejected", "problems");
    const ablated = await reaskText(prompts.directory);
    expect(ablated).toContain("the result breaks these rules: ");
    expect(ablated).not.toContain(problem);
  });
});
