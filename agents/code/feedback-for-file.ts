import type { FailingTest } from "../../schemas/file-job.ts";
import type { Manifest } from "../../schemas/manifest.ts";
import type { Feedback } from "../../schemas/run.ts";
import { renderFeedback } from "../shared/render.ts";

/** Every file that depends on `path`, directly or through others: a test of a module that uses it, say. */
function dependentsOf(manifest: Manifest, path: string): Set<string> {
  const dependents = new Set<string>();
  const queue = [path];
  while (queue.length > 0) {
    const current = queue.pop()!;
    for (const entry of manifest.files) {
      if (entry.dependsOn.includes(current) && !dependents.has(entry.path) && entry.path !== path) {
        dependents.add(entry.path);
        queue.push(entry.path);
      }
    }
  }
  return dependents;
}

/**
 * The failing tests a file's writer must see: those that failed in the file itself, in a file that depends
 * on it (the test of a module, or of a module built on it), and those that name no file of the project,
 * since nothing says they are someone else's.
 */
export function failuresForFile(feedback: Feedback | undefined, manifest: Manifest, path: string): FailingTest[] {
  const failures = feedback?.failures ?? [];
  if (failures.length === 0) return [];
  const paths = new Set(manifest.files.map((entry) => entry.path));
  const dependents = dependentsOf(manifest, path);
  return failures.filter((failure) => !failure.file || !paths.has(failure.file) || failure.file === path || dependents.has(failure.file));
}

/**
 * The review findings and build errors for a file, rendered. When the feedback carries structured
 * failures, the test-failure findings are left out here: the writer gets them in their own placeholder.
 */
export function findingsForFile(feedback: Feedback | undefined, path: string): string | undefined {
  if (!feedback) return undefined;
  if (feedback.failures === undefined) return renderFeedback(feedback, path);
  return renderFeedback({ ...feedback, findings: feedback.findings.filter((finding) => finding.category !== "test-failure") }, path);
}

/** The files a feedback names itself, not the ones a repair adds because a named test depends on them. */
export function namedByFeedback(feedback: Feedback | undefined): Set<string> {
  if (!feedback) return new Set();
  return new Set([...feedback.files, ...feedback.findings.flatMap((finding) => (finding.file ? [finding.file] : []))]);
}
