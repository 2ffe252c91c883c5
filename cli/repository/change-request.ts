import { createHash } from "node:crypto";
import path from "node:path";
import type { ArtifactStore } from "../../agents/shared/artifact-store.ts";
import { codeResultSchema } from "../../schemas/file-job.ts";
import { actionOf } from "../../schemas/manifest.ts";
import type { Repository } from "../../schemas/repository.ts";
import type { RunState } from "../../schemas/run.ts";
import { commitRunBranch, type CommittedBranch } from "./commit-run-branch.ts";
import type { Git } from "./git.ts";
import { headCommit, isTextFile, readCommitFiles, refuseDirtyWorkingTree, type RepositoryEntry } from "./read-repository.ts";
import { lineCount } from "../../agents/shared/line-count.ts";
import { buildRepositoryMap, type RepositoryMapParsers } from "./repository-map.ts";

/** Where a change request's branch is committed: the repository's folder, its .git and the commit the run started from. */
export interface RepositoryCheckout {
  root: string;
  gitDirectory: string;
  head: string;
}

/** A repository checked and read before anything of the run exists, so a refusal writes nothing. */
export interface PreparedRepository extends RepositoryCheckout {
  /** The text files the run sees; binary files stay in the commit untouched and unseen. */
  files: Array<{ path: string; content: string }>;
}

export async function prepareRepository(repositoryPath: string, gitAt: (directory: string) => Git): Promise<PreparedRepository> {
  const root = (await gitAt(repositoryPath)(["rev-parse", "--show-toplevel"]).catch(() => {
    throw new Error(`--repo ${repositoryPath} is not a git repository (or git is not installed)`);
  }))
    .toString()
    .trim();
  const git = gitAt(root);
  await refuseDirtyWorkingTree(git, repositoryPath);
  const head = await headCommit(git, repositoryPath);
  const gitDirectory = (await git(["rev-parse", "--absolute-git-dir"])).toString().trim();
  const entries: RepositoryEntry[] = await readCommitFiles(git, head);
  const files = entries.filter((entry) => isTextFile(entry.content)).map((entry) => ({ path: entry.path, content: entry.content.toString("utf8") }));
  return { root, gitDirectory, head, files };
}

export function repositoryArtifactName(runId: string, filePath: string): string {
  return `${runId}/repository/${filePath}`;
}

/** Stores every file as an artifact (the agents read the base from there, on any machine) and maps the repository. */
export async function storeRepository(prepared: PreparedRepository, runId: string, artifacts: Pick<ArtifactStore, "put">, parsers: RepositoryMapParsers): Promise<Repository> {
  const files = [];
  for (const file of prepared.files) {
    const artifact = repositoryArtifactName(runId, file.path);
    await artifacts.put(artifact, file.content);
    files.push({
      path: file.path,
      bytes: Buffer.byteLength(file.content, "utf8"),
      lines: lineCount(file.content),
      sha256: createHash("sha256").update(file.content, "utf8").digest("hex"),
      artifact,
    });
  }
  return { name: path.basename(prepared.root), root: prepared.root, head: prepared.head, files, map: await buildRepositoryMap(prepared.files, parsers) };
}

/** Commits the files the manifest names (written, or deleted) on the run's branch; every other file keeps its blob. */
export async function commitChangeRequest(git: Git, checkout: RepositoryCheckout, state: RunState, artifacts: Pick<ArtifactStore, "getText">): Promise<CommittedBranch> {
  const code = codeResultSchema.parse(state.outputs.code);
  const fileByPath = new Map(code.files.map((file) => [file.path, file]));
  const changes = [];
  for (const entry of code.manifest.files) {
    if (actionOf(entry) === "delete") {
      changes.push({ path: entry.path, content: undefined });
      continue;
    }
    const file = fileByPath.get(entry.path);
    const content = file ? await artifacts.getText(file.artifact) : undefined;
    if (content === undefined) throw new Error(`the run's file ${entry.path} is missing from the artifact store: nothing was committed`);
    changes.push({ path: entry.path, content });
  }
  const size = code.changes;
  const summary = size ? `\n\nPSP size: base ${size.base}, added ${size.added}, modified ${size.modified}, deleted ${size.deleted} lines.` : "";
  const attempt = (state.attempt ?? 1) > 1 ? ` (attempt ${state.attempt}, asp resume)` : "";
  const message = `asp run ${state.runId}: ${state.task.title}\n\nRun ${state.runId}${attempt} of the agentic software process; ${changes.length} file(s) named by its manifest.${summary}\n`;
  return commitRunBranch(git, { base: checkout.head, runId: state.runId, changes, message, gitDirectory: checkout.gitDirectory });
}
