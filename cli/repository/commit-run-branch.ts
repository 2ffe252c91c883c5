import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { ValidationError } from "../../errors/index.ts";
import type { Git } from "./git.ts";

export interface FileChange {
  path: string;
  /** The new content; undefined deletes the file. */
  content: string | undefined;
}

export interface CommittedBranch {
  branch: string;
  commit: string;
}

/** The branch a run's result is committed on. */
export function runBranchName(runId: string): string {
  return `asp/${runId}`;
}

/**
 * Commits a run's changes on a new branch with git plumbing only (decision 1201): blobs, a private index
 * file inside .git built from the base commit, write-tree and commit-tree, then the branch ref created only
 * if it does not exist. The user's branch, index and working tree are never touched, and every file the
 * changes do not name keeps its blob (and so its bytes and mode) from the base commit.
 */
export async function commitRunBranch(git: Git, options: { base: string; runId: string; changes: FileChange[]; message: string; gitDirectory: string }): Promise<CommittedBranch> {
  const branch = runBranchName(options.runId);
  const indexFile = path.join(options.gitDirectory, `asp-index-${randomBytes(6).toString("hex")}`);
  const env = { GIT_INDEX_FILE: indexFile };
  try {
    await git(["read-tree", options.base], { env });
    const modes = new Map<string, string>();
    for (const line of (await git(["ls-files", "-s", "-z"], { env })).toString("utf8").split("\0")) {
      if (line) modes.set(line.slice(line.indexOf("\t") + 1), line.split(" ")[0]!);
    }
    const lines: string[] = [];
    for (const change of options.changes) {
      if (change.content === undefined) {
        await git(["update-index", "--force-remove", "--", change.path], { env });
        continue;
      }
      const object = (await git(["hash-object", "-w", "--no-filters", "--stdin"], { input: change.content })).toString().trim();
      // A modified file keeps its mode (an executable script stays executable); a new one is a plain file.
      lines.push(`${modes.get(change.path) ?? "100644"} ${object}\t${change.path}`);
    }
    if (lines.length > 0) await git(["update-index", "--add", "-z", "--index-info"], { env, input: lines.join("\0") + "\0" });
    const tree = (await git(["write-tree"], { env })).toString().trim();
    const commit = (await git(["commit-tree", tree, "-p", options.base], { input: options.message })).toString().trim();
    try {
      // The empty old value: the ref is created only if no branch of that name exists.
      await git(["update-ref", `refs/heads/${branch}`, commit, ""]);
    } catch (error) {
      throw new ValidationError(`could not create branch ${branch}: ${(error as Error).message}`, { code: "branch_exists", cause: error });
    }
    return { branch, commit };
  } finally {
    await rm(indexFile, { force: true });
  }
}
