import { ValidationError } from "../../errors/index.ts";
import type { Repository } from "../../schemas/repository.ts";
import type { RepositoryCheckout } from "./change-request.ts";
import { runBranchName } from "./commit-run-branch.ts";
import type { Git } from "./git.ts";
import { headCommit, refuseDirtyWorkingTree } from "./read-repository.ts";

/**
 * The repository of a change request that `asp resume` continues (decision 1181): the folder the run recorded,
 * or `--repo` when it moved. It must be clean, at the commit the run started from, and without the run's branch,
 * for the same reasons `asp run --repo` refuses a dirty tree: the result is committed on top of that commit, so
 * anything else would be silently left out of the branch. Checked before the resume is submitted: a refusal
 * writes nothing.
 */
export async function reopenRepository(options: { runId: string; recorded: Repository; override?: string; gitAt: (directory: string) => Git }): Promise<RepositoryCheckout> {
  const { runId, recorded } = options;
  const repositoryPath = options.override ?? recorded.root;
  if (repositoryPath === undefined) {
    throw new ValidationError(`run ${runId} is a change request on ${recorded.name} whose folder was not recorded: give --repo PATH`, { code: "repository_unknown" });
  }
  const where = options.override === undefined ? `${repositoryPath} (where run ${runId} started; give --repo PATH if it moved)` : repositoryPath;
  const root = (
    await options.gitAt(repositoryPath)(["rev-parse", "--show-toplevel"]).catch(() => {
      throw new ValidationError(`the repository ${where} is not a git repository (or git is not installed): nothing was written`, { code: "repository_missing" });
    })
  )
    .toString()
    .trim();
  const git = options.gitAt(root);
  await refuseDirtyWorkingTree(git, repositoryPath);
  const head = await headCommit(git, repositoryPath);
  if (head !== recorded.head) {
    throw new ValidationError(
      `the repository ${repositoryPath} is at ${head.slice(0, 12)}, not at ${recorded.head.slice(0, 12)} where run ${runId} started: its branch would leave out what changed since; check out ${recorded.head.slice(0, 12)} to resume it, or start a new run; nothing was written`,
      { code: "repository_moved" },
    );
  }
  const branch = runBranchName(runId);
  const existing = await git(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]).catch(() => undefined);
  if (existing !== undefined) {
    throw new ValidationError(`the repository ${repositoryPath} has a branch ${branch} already (an earlier attempt's result): delete it to commit this attempt's; nothing was written`, { code: "branch_exists" });
  }
  const gitDirectory = (await git(["rev-parse", "--absolute-git-dir"])).toString().trim();
  return { root, gitDirectory, head };
}
