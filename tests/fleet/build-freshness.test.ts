import { execFile } from "node:child_process";
import { cp, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLayout, currentBuild } from "../../cli/build/build-record.mjs";
import { ensureBuild } from "../../cli/build/ensure-build.ts";
import { hashSources, sourceFolders, sourceRootFiles } from "../../cli/build/source-hash.mjs";
import { repositoryRoot, spawnAgentProcess } from "../../cli/fleet.ts";

const run = promisify(execFile);

/**
 * A copy of the sources to change without touching the repository's. It lives under out/ so that
 * node, running the copy's bundles, still finds the repository's node_modules above it.
 */
const copyRoot = path.join(repositoryRoot, "out", "test-sources", `build-freshness-${randomBytes(4).toString("hex")}`);
const layout = buildLayout(copyRoot);
const logDirectory = path.join(copyRoot, "logs");

beforeAll(async () => {
  await mkdir(copyRoot, { recursive: true });
  for (const entry of [...sourceFolders, "pipelines", ...sourceRootFiles]) {
    await cp(path.join(repositoryRoot, entry), path.join(copyRoot, entry), { recursive: true });
  }
});
afterAll(async () => {
  await rm(copyRoot, { recursive: true, force: true });
});

/** The `asp` command of the copy, as a user runs it. */
async function asp(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { ASP_CLI_RUNNER: _runner, ...env } = process.env;
  return run(process.execPath, [path.join(copyRoot, "cli", "bin.mjs"), ...args], { env, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

async function replaceInCopy(file: string, from: string, to: string): Promise<void> {
  const target = path.join(copyRoot, file);
  const text = await readFile(target, "utf8");
  expect(text).toContain(from);
  await writeFile(target, text.replace(from, to));
}

const recordOf = async () => JSON.parse(await readFile(path.join(layout.currentLink, "build.json"), "utf8")) as { hash: string };
const modifiedAt = async (file: string) => (await stat(file)).mtimeMs;

describe("the build runs only when it was made from the sources as they are", () => {
  it("builds a missing build before the CLI runs, recording the sources' hash next to it", async () => {
    expect(currentBuild(layout)).toBeUndefined();
    const result = await asp("--help");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("asp — an agentic software process");
    expect((await recordOf()).hash).toBe(hashSources(copyRoot));
    expect(currentBuild(layout)?.cliBundle).toMatch(/out\/build\/[0-9a-f]{16}\/cli\.mjs$/);
  }, 90_000);

  it("does not rebuild a build that is up to date", async () => {
    const before = currentBuild(layout)!;
    const times = await Promise.all([before.recordFile, before.cliBundle, before.agentBundle].map(modifiedAt));
    expect((await asp("--help")).code).toBe(0);
    const again = await ensureBuild(layout);
    expect(again.rebuilt).toBe(false);
    expect(again.hash).toBe(before.hash);
    expect(await Promise.all([before.recordFile, before.cliBundle, before.agentBundle].map(modifiedAt))).toEqual(times);
  }, 60_000);

  it("rebuilds a stale CLI build and runs the new code, never the old", async () => {
    const before = currentBuild(layout)!;
    await replaceInCopy("cli/main.ts", "asp — an agentic software process (PSP) on NATS", "asp — rebuilt from the changed source");
    expect(currentBuild(layout)).toBeUndefined();
    const result = await asp("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("asp — rebuilt from the changed source");
    expect(result.stdout).not.toContain("an agentic software process");
    const after = await recordOf();
    expect(after.hash).not.toBe(before.hash);
    expect(after.hash).toBe(hashSources(copyRoot));
  }, 90_000);

  it("rebuilds a stale agent build before the fleet starts an agent from it", async () => {
    await ensureBuild(layout);
    await replaceInCopy("cli/agent-command.ts", "usage: asp agent <name>", "usage (rebuilt): asp agent <name>");
    // An unknown agent prints the usage and exits: enough to see which code the process ran.
    const { ASP_AGENT_RUNNER: _runner, ...env } = process.env;
    await expect(spawnAgentProcess("no-such-agent", 0, { env, logDirectory, build: layout, readyTimeoutMs: 30_000 })).rejects.toThrow(/exited before it was ready/);
    expect(await readFile(path.join(logDirectory, "no-such-agent-0.log"), "utf8")).toContain("usage (rebuilt): asp agent <name>");
    expect(currentBuild(layout)?.hash).toBe(hashSources(copyRoot));
  }, 90_000);

  it("rebuilds a build another version of node made: the agents' snapshot loads only in the node that built it", async () => {
    const before = await ensureBuild(layout);
    const record = JSON.parse(await readFile(before.recordFile, "utf8")) as Record<string, unknown>;
    expect(record.node).toBe(process.version);
    await writeFile(before.recordFile, JSON.stringify({ ...record, node: "v0.0.0" }));
    expect(currentBuild(layout)).toBeUndefined();
    const again = await ensureBuild(layout);
    expect(again.rebuilt).toBe(true);
    expect((JSON.parse(await readFile(again.recordFile, "utf8")) as Record<string, unknown>).node).toBe(process.version);
    expect(currentBuild(layout)?.agentSnapshot).toBe(again.agentSnapshot);
  }, 90_000);

  it("lets several commands build at once without corrupting the build", async () => {
    await replaceInCopy("cli/main.ts", "asp — rebuilt from the changed source", "asp — built by four at once");
    const results = await Promise.all([1, 2, 3, 4].map(() => asp("--help")));
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("asp — built by four at once");
    }
    expect((await recordOf()).hash).toBe(hashSources(copyRoot));
  }, 120_000);

  it("fails with a clear error, and runs nothing, when the build fails", async () => {
    await replaceInCopy("cli/main.ts", "export async function main(", "export async function main((");
    const result = await asp("--help");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/asp: the CLI could not be built, so it cannot run: could not build .* from /);
    expect(currentBuild(layout)).toBeUndefined();
  }, 90_000);
});
