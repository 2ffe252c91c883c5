import path from "node:path";

/** Files whose empty content is normal: an __init__.py that only marks a package, a .gitkeep (decision 1102). */
const emptyMarkerFiles = new Set(["__init__.py", "py.typed", ".gitkeep", ".keep", ".nojekyll"]);

/**
 * Shared by the writer, which accepts an empty reply for such a file, and the code review's automated
 * checks, which must not call the same empty file a defect: one rule, or a repair loop on a correct file.
 */
export function isEmptyMarkerFile(filePath: string): boolean {
  return emptyMarkerFiles.has(path.posix.basename(filePath));
}
