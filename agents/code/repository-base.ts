import type { ArtifactStore } from "../shared/artifact-store.ts";
import type { ChangeSize } from "../../schemas/change-size.ts";
import type { GeneratedFile } from "../../schemas/file-job.ts";
import { actionOf, type Manifest } from "../../schemas/manifest.ts";
import type { Repository } from "../../schemas/repository.ts";
import { countChange } from "./line-diff.ts";

/** A repository file the manifest leaves alone, as a file of the result: its bytes are the repository's own artifact. */
export function unchangedFile(file: Repository["files"][number], testFiles: ReadonlySet<string>): GeneratedFile {
  return { path: file.path, type: testFiles.has(file.path) ? "test" : "source", bytes: file.bytes, lines: file.lines, sha256: file.sha256, round: 1, writer: "repository", artifact: file.artifact };
}

/** The repository's files the manifest does not name, which the result carries unchanged. */
export function filesNotNamed(repository: Repository | undefined, manifest: Manifest): GeneratedFile[] {
  if (!repository) return [];
  const named = new Set(manifest.files.map((entry) => entry.path));
  const testFiles = new Set(repository.map.tests.files);
  return repository.files.filter((file) => !named.has(file.path)).map((file) => unchangedFile(file, testFiles));
}

/**
 * Base, added, modified and deleted lines of the change (decision 1202): base counts every text file of
 * the repository before the run; the other three come from a line diff of each file the manifest names.
 */
export async function measureChange(
  repository: Repository,
  manifest: Manifest,
  contentOf: (path: string) => Promise<string | undefined>,
  artifacts: Pick<ArtifactStore, "getText">,
): Promise<ChangeSize> {
  const baseByPath = new Map(repository.files.map((file) => [file.path, file]));
  const size: ChangeSize = { base: repository.files.reduce((sum, file) => sum + file.lines, 0), added: 0, modified: 0, deleted: 0, files: [] };
  for (const entry of manifest.files) {
    const action = actionOf(entry);
    const baseFile = baseByPath.get(entry.path);
    const before = baseFile ? await artifacts.getText(baseFile.artifact) : undefined;
    const after = action === "delete" ? undefined : await contentOf(entry.path);
    const counts = countChange(before, after);
    size.files.push({ path: entry.path, action, ...counts });
    size.added += counts.added;
    size.modified += counts.modified;
    size.deleted += counts.deleted;
  }
  return size;
}
