import { chmod, mkdtemp, readFile, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commitRunBranch } from "../../cli/repository/commit-run-branch.ts";
import { gitIn } from "../../cli/repository/git.ts";
import { prepareRepository } from "../../cli/repository/change-request.ts";

let folder: string | undefined;
afterEach(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
  folder = undefined;
});

/** Test set-up through the same git runner the code under test uses. */
const run = async (directory: string, ...args: string[]): Promise<string> => (await gitIn(directory)(args)).toString("utf8");

async function repositoryWith(files: Record<string, string>, executable: string[] = []): Promise<{ directory: string; head: string }> {
  folder = await mkdtemp(path.join(tmpdir(), "asp-commit-"));
  const directory = path.join(folder, "repository");
  await mkdir(directory);
  await run(directory, "init", "-q", "-b", "trunk");
  await run(directory, "config", "user.name", "Tester");
  await run(directory, "config", "user.email", "tester@example.com");
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(directory, name)), { recursive: true });
    await writeFile(path.join(directory, name), content);
  }
  for (const name of executable) await chmod(path.join(directory, name), 0o755);
  await run(directory, "add", "--all");
  await run(directory, "commit", "-q", "-m", "base");
  return { directory, head: (await run(directory, "rev-parse", "HEAD")).trim() };
}

describe("committing a run's changes on its own branch", () => {
  it("modifies, adds and deletes in one commit, keeps a modified file's mode, and leaves index, branch and working tree alone", async () => {
    const { directory, head } = await repositoryWith({ "run.sh": "echo one\n", "old.txt": "gone\n", "keep/data.bin.txt": "same\r\n" }, ["run.sh"]);
    const gitDirectory = path.join(directory, ".git");
    const entriesBefore = (await readdir(gitDirectory)).sort();
    const committed = await commitRunBranch(gitIn(directory), {
      base: head,
      runId: "run-7",
      gitDirectory,
      message: "asp run run-7\n",
      changes: [
        { path: "run.sh", content: "echo two\n" },
        { path: "src/new.py", content: "x = 1\n" },
        { path: "old.txt", content: undefined },
      ],
    });
    expect(committed.branch).toBe("asp/run-7");
    expect((await run(directory, "rev-parse", "asp/run-7")).trim()).toBe(committed.commit);
    expect((await run(directory, "diff", "--name-status", head, committed.commit)).trim().split("\n").sort()).toEqual(["A\tsrc/new.py", "D\told.txt", "M\trun.sh"]);
    expect(await run(directory, "ls-tree", committed.commit, "run.sh")).toMatch(/^100755 /);
    expect(await run(directory, "rev-parse", `${committed.commit}:keep/data.bin.txt`)).toBe(await run(directory, "rev-parse", `${head}:keep/data.bin.txt`));
    // Nothing else changed: the user's branch, the index, the working tree, and no temporary index left in .git.
    expect((await run(directory, "symbolic-ref", "--short", "HEAD")).trim()).toBe("trunk");
    expect(await run(directory, "status", "--porcelain", "--untracked-files=all")).toBe("");
    expect(await readFile(path.join(directory, "old.txt"), "utf8")).toBe("gone\n");
    expect((await readdir(gitDirectory)).filter((name) => name.startsWith("asp-index-"))).toEqual([]);
    expect((await readdir(gitDirectory)).sort()).toEqual(entriesBefore);
  });

  it("refuses to move a branch of the same name that already exists", async () => {
    const { directory, head } = await repositoryWith({ "a.txt": "a\n" });
    await run(directory, "branch", "asp/run-8");
    const options = { base: head, runId: "run-8", gitDirectory: path.join(directory, ".git"), message: "m\n", changes: [{ path: "a.txt", content: "b\n" }] };
    await expect(commitRunBranch(gitIn(directory), options)).rejects.toMatchObject({ code: "branch_exists" });
    expect((await run(directory, "rev-parse", "asp/run-8")).trim()).toBe(head);
  });

  it("reads the committed text files and leaves binary ones out of what the run sees", async () => {
    const { directory } = await repositoryWith({ "a.py": "def a():\n    pass\n", "image.png": "\u0000PNG" });
    const prepared = await prepareRepository(directory, gitIn);
    expect(prepared.files).toEqual([{ path: "a.py", content: "def a():\n    pass\n" }]);
    await expect(prepareRepository(folder!, gitIn)).rejects.toThrow(/is not a git repository/);
  });
});
