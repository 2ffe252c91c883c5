import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { defaultModel } from "../../llm/config.ts";

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Runs one normal text call and one structured call in a fresh process; its stderr is what a user would see. */
async function callInChild(model?: string): Promise<{ stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["CALL_MODEL"];
  if (model !== undefined) env["CALL_MODEL"] = model;
  return run(process.execPath, ["--import", "tsx", "tests/llm/support/default-model-call.ts"], { cwd: projectRoot, env, timeout: 60_000 });
}

describe("the SDK's deprecation warning", () => {
  it("does not appear on stderr for a normal call with the default model", async () => {
    const { stdout, stderr } = await callInChild();
    expect(JSON.parse(stdout)).toEqual({ model: defaultModel, text: "print('a')\n", value: { title: "t" } });
    expect(stderr).not.toMatch(/deprecated/i);
  });

  it("does appear for the old default, so the check above can fail", async () => {
    const { stdout, stderr } = await callInChild("claude-sonnet-4-5");
    expect(JSON.parse(stdout)).toMatchObject({ model: "claude-sonnet-4-5" });
    expect(stderr).toContain("The model 'claude-sonnet-4-5' is deprecated and will reach end-of-life on November 30th, 2026");
  });
});
