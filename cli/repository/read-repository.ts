import { ValidationError } from "../../errors/index.ts";
import type { Git } from "./git.ts";

export interface RepositoryEntry {
  path: string;
  /** The git file mode (100644, 100755); links and submodules are not read. */
  mode: string;
  content: Buffer;
}

/**
 * A change request starts from a clean working tree: the branch it commits is built from HEAD, so a
 * change not committed yet would be silently left out. Refused before anything is written.
 */
export async function refuseDirtyWorkingTree(git: Git, repositoryPath: string): Promise<void> {
  // --no-optional-locks: status would otherwise refresh and rewrite the user's index as a side effect.
  const status = (await git(["--no-optional-locks", "status", "--porcelain", "--untracked-files=all"])).toString();
  const entries = status.split("\n").filter((line) => line.trim() !== "");
  if (entries.length > 0) {
    const shown = entries.slice(0, 5).join("; ");
    throw new ValidationError(
      `the repository ${repositoryPath} has uncommitted changes (${entries.length} in git status: ${shown}${entries.length > 5 ? "; ..." : ""}): commit or stash them first; nothing was written`,
      { code: "repository_dirty" },
    );
  }
}

/** The commit HEAD names, refused when there is none (a repository with no commit has nothing to change). */
export async function headCommit(git: Git, repositoryPath: string): Promise<string> {
  try {
    return (await git(["rev-parse", "--verify", "HEAD^{commit}"])).toString().trim();
  } catch {
    throw new ValidationError(`the repository ${repositoryPath} has no commit yet: commit its files first`, { code: "repository_empty" });
  }
}

/** Every regular file of a commit, read from git's objects (so exactly the committed bytes). */
export async function readCommitFiles(git: Git, commit: string): Promise<RepositoryEntry[]> {
  const listing = (await git(["ls-tree", "-r", "-z", "--full-tree", commit])).toString("utf8");
  const blobs: Array<{ path: string; mode: string; object: string }> = [];
  for (const record of listing.split("\0")) {
    if (!record) continue;
    const tab = record.indexOf("\t");
    const [mode, type, object] = record.slice(0, tab).split(" ");
    // Symbolic links (120000) and submodules (commit entries) are not files a writer could read or change.
    if (type === "blob" && (mode === "100644" || mode === "100755")) blobs.push({ path: record.slice(tab + 1), mode: mode!, object: object! });
  }
  if (blobs.length === 0) return [];
  const output = await git(["cat-file", "--batch"], { input: blobs.map((blob) => blob.object).join("\n") + "\n" });
  const entries: RepositoryEntry[] = [];
  let offset = 0;
  for (const blob of blobs) {
    const headerEnd = output.indexOf(0x0a, offset);
    const size = Number(output.subarray(offset, headerEnd).toString().split(" ")[2]);
    entries.push({ path: blob.path, mode: blob.mode, content: output.subarray(headerEnd + 1, headerEnd + 1 + size) });
    offset = headerEnd + 1 + size + 1;
  }
  return entries;
}

/** Text the pipeline can show a model and a writer can change: not binary, not over a megabyte. */
export function isTextFile(content: Buffer): boolean {
  return content.length <= 1024 * 1024 && !content.includes(0) && Buffer.from(content.toString("utf8"), "utf8").equals(content);
}
