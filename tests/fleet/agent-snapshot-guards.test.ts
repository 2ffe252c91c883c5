import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { buildAgentSnapshot } from "../../cli/build/build-agent-snapshot.ts";
import { repositoryRoot } from "../../cli/fleet.ts";

const run = promisify(execFile);
const fixtures = path.join(repositoryRoot, "tests", "fixtures", "snapshot");
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

/** Builds a snapshot from one fixture entry the way the build does the agents'; the blob's path. */
async function snapshotOf(entry: string): Promise<string> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "asp-snapshot-guards-"));
  folders.push(directory);
  const snapshotFile = path.join(directory, "agent.blob");
  await buildAgentSnapshot({ build, sourceRoot: repositoryRoot, directory, snapshotFile, entry: path.join(fixtures, entry) });
  return snapshotFile;
}

const runSnapshot = async (blob: string, env: Record<string, string> = {}) =>
  JSON.parse((await run(process.execPath, ["--snapshot-blob", blob], { env: { PATH: process.env.PATH ?? "", ...env } })).stdout) as { level: string; id: string; webId: string };

describe("what module-level code must not do while the agent snapshot is built (decision 1418)", () => {
  it("fails the build when a module reads process.env as it loads, naming the variable and the file", async () => {
    await expect(snapshotOf("environment-at-load-entry.ts")).rejects.toThrow(/module-level code read process\.env \(ASP_FIXTURE_LEVEL \(tests\/fixtures\/snapshot\/level-at-load\.ts:2:/);
  }, 60_000);

  it("fails the build when a module draws a UUID as it loads, which every process would repeat", async () => {
    await expect(snapshotOf("uuid-at-load-entry.ts")).rejects.toThrow(/module-level code called crypto\.randomUUID\(\), which every agent would then repeat:\ntests\/fixtures\/snapshot\/uuid-at-load-entry\.ts:6:/);
  }, 60_000);

  it("builds the same reads made at run time, and each process then gets its own environment and UUIDs", async () => {
    const blob = await snapshotOf("at-run-time-entry.ts");
    const first = await runSnapshot(blob, { ASP_FIXTURE_LEVEL: "debug" });
    const second = await runSnapshot(blob);
    expect(first.level).toBe("debug");
    expect(second.level).toBe("info");
    expect(new Set([first.id, first.webId, second.id, second.webId]).size).toBe(4);
  }, 60_000);
});
