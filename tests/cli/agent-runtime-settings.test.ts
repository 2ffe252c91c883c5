import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repositoryRoot } from "../../cli/fleet.ts";

const run = promisify(execFile);

/**
 * Churns through short-lived objects in a fresh node and prints the young generation's size. With
 * the settings applied at run time it must stay at the 1 MB semi-spaces the agents ask for; the
 * control without them shows V8 would have grown it, so the check can fail.
 */
async function youngGenerationAfterChurn(applySettings: boolean): Promise<number> {
  const script = `
    ${applySettings ? `const { applyAgentRuntimeFlags } = await import(${JSON.stringify(path.join(repositoryRoot, "cli/agent-runtime-settings.ts"))}); applyAgentRuntimeFlags();` : ""}
    const { getHeapSpaceStatistics } = await import("node:v8");
    let keep = [];
    for (let round = 0; round < 200; round += 1) { keep = Array.from({ length: 20000 }, (_, index) => ({ index, text: "x" + index })); }
    const young = getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
    console.log(young.space_size + keep.length * 0);
  `;
  const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: repositoryRoot });
  return Number(stdout.trim());
}

describe("agent runtime settings", () => {
  it("keep the young generation small when set after start-up, where V8 would otherwise grow it", async () => {
    const withSettings = await youngGenerationAfterChurn(true);
    const without = await youngGenerationAfterChurn(false);
    expect(withSettings).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(without).toBeGreaterThan(4 * 1024 * 1024);
  });
});
