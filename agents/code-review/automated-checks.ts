import type { Finding } from "../../schemas/review.ts";
import { findUnresolvedImports } from "../shared/check-imports.ts";
import { isEmptyMarkerFile } from "../shared/empty-files.ts";

export interface ReviewedFile {
  path: string;
  type: string;
  content: string;
}

export const maximumReviewedLines = 1500;
export const maximumReviewedBytes = 256 * 1024;

/**
 * Checks that need no model: tests present, sizes, binary content, imports that resolve. `declaredEmpty`
 * holds the files the manifest planned as empty (estimatedLines 0): empty on purpose, like a marker file.
 */
export function checkCode(files: ReviewedFile[], declaredEmpty: ReadonlySet<string> = new Set()): Finding[] {
  const findings: Finding[] = [];
  const add = (finding: Omit<Finding, "recommendation" | "target"> & Partial<Finding>) =>
    findings.push({ recommendation: "", target: "code", ...finding });
  if (!files.some((file) => file.type === "test")) {
    add({ severity: "high", category: "tests", description: "the project has no test file", defectType: "checking" });
  }
  for (const file of files) {
    const lines = file.content.split("\n").length;
    const bytes = Buffer.byteLength(file.content, "utf8");
    if (file.content.includes("\u0000")) {
      add({ severity: "high", category: "content", description: "the file contains binary (NUL) bytes", defectType: "syntax", file: file.path });
    }
    if (lines > maximumReviewedLines || bytes > maximumReviewedBytes) {
      add({ severity: "medium", category: "size", description: `the file is too large to review well (${lines} lines, ${bytes} bytes)`, defectType: "documentation", file: file.path });
    }
    // A marker file (an __init__.py) is empty on purpose; calling it a defect would loop on a correct file.
    if (file.content.trim() === "" && !isEmptyMarkerFile(file.path) && !declaredEmpty.has(file.path)) {
      add({ severity: "high", category: "content", description: "the file is empty", defectType: "function", file: file.path });
    }
  }
  for (const problem of findUnresolvedImports(files)) {
    add({ severity: "high", category: "imports", description: `imports ${problem.imports.join(", ")}, which no project file provides`, defectType: "interface", file: problem.file });
  }
  return findings;
}
