import type { Manifest, ManifestEntry } from "../../schemas/manifest.ts";
import type { Feedback } from "../../schemas/run.ts";

/**
 * Which files a feedback round regenerates: the files it names, plus what a named test file
 * depends on (a failing assertion names the test, while the defect usually sits in the code it
 * tests). Feedback that names no file of the manifest regenerates everything. A file declared empty
 * (estimatedLines 0) is rewritten only when the feedback names it: as a dependency it has nothing to fix.
 */
export function filesToRegenerate(manifest: Manifest, feedback: Feedback | undefined): ManifestEntry[] {
  if (!feedback) return manifest.files;
  const byPath = new Map(manifest.files.map((entry) => [entry.path, entry]));
  const named = new Set(feedback.files.filter((file) => byPath.has(file)));
  for (const finding of feedback.findings) if (finding.file && byPath.has(finding.file)) named.add(finding.file);
  if (named.size === 0) return manifest.files;
  for (const path of [...named]) {
    const entry = byPath.get(path)!;
    if (entry.type !== "test") continue;
    for (const dependency of entry.dependsOn) if (byPath.has(dependency) && byPath.get(dependency)!.estimatedLines > 0) named.add(dependency);
  }
  return manifest.files.filter((entry) => named.has(entry.path));
}
