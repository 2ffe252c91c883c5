import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { gitIn } from "../../cli/repository/git.ts";
import { reopenRepository } from "../../cli/repository/reopen-repository.ts";
import type { Repository } from "../../schemas/repository.ts";

let folder: string | undefined;
afterEach(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
  folder = undefined;
});

/** Test set-up through the same git runner the code under test uses. */
const run = async (directory: string, ...args: string[]): Promise<string> => (await gitIn(directory)(args)).toString("utf8");

async function committedRepository(): Promise<{ directory: string; head: string }> {
  folder = await mkdtemp(path.join(tmpdir(), "asp-reopen-"));
  const directory = path.join(folder, "repository");
  await mkdir(directory);
  await run(directory, "init", "-q", "-b", "trunk");
  await run(directory, "config", "user.name", "Tester");
  await run(directory, "config", "user.email", "tester@example.com");
  await writeFile(path.join(directory, "a.py"), "a = 1\n");
  await run(directory, "add", "--all");
  await run(directory, "commit", "-q", "-m", "base");
  return { directory, head: (await run(directory, "rev-parse", "HEAD")).trim() };
}

const recordedAt = (root: string | undefined, head: string): Repository => ({
  name: "repository",
  ...(root ? { root } : {}),
  head,
  files: [],
  map: { files: [], tests: { files: [], runners: [] } },
});

describe("the repository asp resume commits a change request in", () => {
  it("is the recorded folder when it is clean, at the run's commit and without the run's branch", async () => {
    const { directory, head } = await committedRepository();
    const checkout = await reopenRepository({ runId: "run-1", recorded: recordedAt(directory, head), gitAt: gitIn });
    expect(checkout).toEqual({ root: directory, head, gitDirectory: path.join(directory, ".git") });
  });

  it("refuses when the run's branch exists already, so an earlier attempt's commit is never moved", async () => {
    const { directory, head } = await committedRepository();
    await run(directory, "branch", "asp/run-2");
    await expect(reopenRepository({ runId: "run-2", recorded: recordedAt(directory, head), gitAt: gitIn })).rejects.toMatchObject({
      code: "branch_exists",
      message: expect.stringContaining("has a branch asp/run-2 already"),
    });
  });

  it("asks for --repo when the run recorded no folder, and takes --repo over the recorded folder", async () => {
    const { directory, head } = await committedRepository();
    await expect(reopenRepository({ runId: "run-3", recorded: recordedAt(undefined, head), gitAt: gitIn })).rejects.toMatchObject({
      code: "repository_unknown",
      message: expect.stringContaining("give --repo PATH"),
    });
    const checkout = await reopenRepository({ runId: "run-3", recorded: recordedAt(path.join(folder!, "gone"), head), override: directory, gitAt: gitIn });
    expect(checkout.root).toBe(directory);
  });

  it("refuses a repository whose HEAD is not the commit the run started from", async () => {
    const { directory, head } = await committedRepository();
    await writeFile(path.join(directory, "b.py"), "b = 2\n");
    await run(directory, "add", "b.py");
    await run(directory, "commit", "-q", "-m", "later");
    await expect(reopenRepository({ runId: "run-4", recorded: recordedAt(directory, head), gitAt: gitIn })).rejects.toMatchObject({ code: "repository_moved" });
  });
});
