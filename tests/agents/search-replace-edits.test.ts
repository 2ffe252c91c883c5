import { afterEach, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { codeAgent } from "../../agents/code/agent.ts";
import { applyEdits, looksLikeEdits, parseEdits } from "../../agents/file-writer/search-replace-edits.ts";
import type { Repository } from "../../schemas/repository.ts";
import { codeInput, design, entry, scenario, sourceRoundOne, sourceRoundTwo, testText } from "./support/code-fixture.ts";
import { promptsWithout, startHandlerHarness, type HandlerHarness } from "./support/handler-harness.ts";

const edit = (search: string, replace: string) => `<<<<<<< SEARCH\n${search}=======\n${replace}>>>>>>> REPLACE\n`;

describe("search/replace edits", () => {
  const content = "a = 1\nb = 2\nc = 3\n";

  it("applies every block in order, each against the text the blocks before it left", () => {
    const parsed = parseEdits(edit("a = 1\n", "a = 10\n") + edit("a = 10\nb = 2\n", "a = 10\nb = 20\n"));
    expect(parsed.ok).toBe(true);
    const applied = applyEdits(content, parsed.ok ? parsed.edits : []);
    expect(applied).toEqual({ ok: true, content: "a = 10\nb = 20\nc = 3\n" });
  });

  it("refuses a SEARCH text that does not occur, says so, and applies none of the other edits", () => {
    const parsed = parseEdits(edit("a = 1\n", "a = 10\n") + edit("d = 4\n", "d = 40\n"));
    const applied = applyEdits(content, parsed.ok ? parsed.edits : []);
    expect(applied.ok).toBe(false);
    expect(!applied.ok && applied.problems).toEqual([expect.stringMatching(/^edit 2 of 2: the SEARCH text does not occur in the file.*\nd = 4\n$/s)]);
  });

  it("refuses a SEARCH text that occurs more than once", () => {
    const applied = applyEdits("x\ny\nx\n", [{ search: "x\n", replace: "z\n" }]);
    expect(applied).toEqual({ ok: false, problems: [expect.stringContaining("occurs 2 times in the file")] });
  });

  it("matches the last line of a file that has no final newline, and keeps it without one", () => {
    expect(applyEdits("a\nb", [{ search: "b\n", replace: "c\n" }])).toEqual({ ok: true, content: "a\nc" });
  });

  it("refuses a block left open, and text outside the blocks", () => {
    expect(parseEdits("<<<<<<< SEARCH\na\n=======\nb\n")).toEqual({ ok: false, problem: expect.stringContaining("edit 1 is not closed") });
    expect(parseEdits(`${edit("a\n", "b\n")}stray words\n`)).toEqual({ ok: false, problem: expect.stringContaining("line 6 is outside any edit block") });
  });

  it("tells edits from a whole file by the first non-blank line", () => {
    expect(looksLikeEdits(`\n${edit("a\n", "b\n")}`)).toBe(true);
    expect(looksLikeEdits("def greet():\n    pass\n")).toBe(false);
  });
});

// The code agent on a repository whose greet/core.py is modified by search/replace edits.
const baseArtifact = "run-1/repository/greet/core.py";
const repository: Repository = {
  name: "greet",
  head: "0".repeat(40),
  files: [{ path: "greet/core.py", bytes: Buffer.byteLength(sourceRoundOne), lines: 2, sha256: "a".repeat(64), artifact: baseArtifact }],
  map: { files: [], tests: { files: [], runners: [] } },
};
const changeManifest = {
  language: "python",
  files: [entry("greet/core.py", { action: "modify", estimatedLines: 3 }), entry("tests/test_core.py", { type: "test", dependsOn: ["greet/core.py"] })],
};
const goodEdit = edit(sourceRoundOne, sourceRoundTwo);
const badEdit = edit("def greet(person):\n", "def greet(name):\n");
const reason = "the SEARCH text does not occur in the file";

let harness: HandlerHarness | undefined;
afterEach(async () => {
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

async function runCode() {
  harness!.artifacts.set(baseArtifact, sourceRoundOne);
  const raw = codeInput({ design: { ...design, packages: [] }, repository });
  const input = (codeAgent.input as ZodType<Parameters<typeof codeAgent.handle>[0]>).parse(raw);
  return codeAgent.handle(input, harness!.context({ jobId: "code-r1" }));
}

const writerReply = { requires: [reason], reply: goodEdit, fallback: badEdit, label: "edits fixed after the refusal" };

describe("a modify writer's edits that do not apply", () => {
  it("are refused with the reason, which the next attempt carries, and the file is written only from edits that apply", async () => {
    harness = await startHandlerHarness({ scenario: scenario({ "greet/core.py": writerReply as never, "tests/test_core.py": testText }, changeManifest) });
    const result = await runCode();

    const requests = harness.fileRequests("greet/core.py");
    expect(requests).toHaveLength(2);
    // Both attempts see the file's current content; only the second is told why the first was refused.
    for (const request of requests) expect(request.text).toContain(`<current path="greet/core.py">\n${sourceRoundOne}</current>`);
    expect(requests[0]!.text).not.toContain(reason);
    expect(requests[1]!.text).toContain("Your previous edits of this file were refused, and nothing was changed");
    expect(requests[1]!.text).toContain("def greet(person):");
    const failed = harness.eventsOfType("file.failed");
    expect(failed.map((event) => [event.data.path, event.data.attempt])).toEqual([["greet/core.py", 1]]);
    expect(String(failed[0]!.data.error)).toContain(reason);

    const written = result.files.find((file) => file.path === "greet/core.py")!;
    expect(harness.artifacts.get(written.artifact)).toBe(sourceRoundTwo);
    expect(harness.artifacts.get(baseArtifact)).toBe(sourceRoundOne);
    expect(result.changes).toMatchObject({ base: 2, files: [{ path: "greet/core.py", action: "modify", base: 2, added: 2, modified: 1, deleted: 0 }, { path: "tests/test_core.py", action: "create" }] });
  });

  it("never corrupt the file: when no attempt applies, the round fails and nothing is stored for it", async () => {
    harness = await startHandlerHarness({ scenario: scenario({ "greet/core.py": badEdit, "tests/test_core.py": testText }, changeManifest) });
    await expect(runCode()).rejects.toMatchObject({ code: "files_failed", message: expect.stringContaining(reason) });
    expect(harness.fileRequests("greet/core.py")).toHaveLength(3);
    expect([...harness.artifacts.keys()].filter((name) => name.includes("/files/"))).toEqual([]);
    expect(harness.artifacts.get(baseArtifact)).toBe(sourceRoundOne);
  });

  it("negative control: without {{rejectedEdits}} in the prompt the reason never reaches the model, and the retries cannot succeed", async () => {
    await using prompts = await promptsWithout("file-writer/user", "rejectedEdits");
    harness = await startHandlerHarness({ scenario: scenario({ "greet/core.py": writerReply as never, "tests/test_core.py": testText }, changeManifest), promptsDirectory: prompts.directory });
    await expect(runCode()).rejects.toMatchObject({ code: "files_failed" });
    for (const request of harness.fileRequests("greet/core.py")) expect(request.text).not.toContain(reason);
  });
});

describe("a modify writer's current content", () => {
  const needsCurrent = { requires: [`<current path="greet/core.py">\n${sourceRoundOne}</current>`], reply: goodEdit, fallback: "# written blind\n", label: "edited against the current content" };

  it("reaches the model in {{currentContent}}, and a copy of prompts/ without it leaves the writer blind", async () => {
    harness = await startHandlerHarness({ scenario: scenario({ "greet/core.py": needsCurrent as never, "tests/test_core.py": testText }, changeManifest) });
    const result = await runCode();
    expect(harness.artifacts.get(result.files.find((file) => file.path === "greet/core.py")!.artifact)).toBe(sourceRoundTwo);
    await harness[Symbol.asyncDispose]();

    await using prompts = await promptsWithout("file-writer/user", "currentContent");
    harness = await startHandlerHarness({ scenario: scenario({ "greet/core.py": needsCurrent as never, "tests/test_core.py": testText }, changeManifest), promptsDirectory: prompts.directory });
    const blind = await runCode();
    expect(harness.fileRequests("greet/core.py")[0]!.text).not.toContain(sourceRoundOne);
    expect(harness.artifacts.get(blind.files.find((file) => file.path === "greet/core.py")!.artifact)).toBe("# written blind\n");
  });
});
