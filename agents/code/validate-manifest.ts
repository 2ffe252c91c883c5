import path from "node:path";
import { actionOf, type Manifest } from "../../schemas/manifest.ts";
import type { Repository } from "../../schemas/repository.ts";
import type { Design } from "../../schemas/design.ts";
import type { Plan } from "../../schemas/plan.ts";
import { ValidationError } from "../../errors/index.ts";
import { isDependencyFile, missingDependencyFiles } from "./dependency-files.ts";

/**
 * Why a path cannot be written inside the output folder, or undefined when it can.
 * Model output is untrusted: a path is the one place it could reach outside the project.
 */
export function unsafePathReason(filePath: string): string | undefined {
  if (filePath.includes("\0")) return "contains a NUL byte";
  if (filePath.includes("\\")) return "contains a backslash";
  if (filePath.startsWith("/") || /^[A-Za-z]:/.test(filePath)) return "is absolute";
  if (filePath.split("/").some((part) => part === "..")) return "traverses out of the output folder with '..'";
  if (path.posix.normalize(filePath) !== filePath || filePath.startsWith("./") || filePath.endsWith("/")) return "is not normalised";
  if (filePath.split("/").some((part) => part === "" || part === ".")) return "has an empty or '.' segment";
  if (/[\u0000-\u001f]/.test(filePath)) return "contains control characters";
  if (filePath.split("/").some((part) => part === ".git")) return "writes inside .git";
  // Device names that Windows resolves anywhere in a tree: a project checked out there must not hit them.
  if (filePath.split("/").some((part) => /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(part))) return "names a device";
  if (filePath.length > 240 || filePath.split("/").some((part) => part.length > 120)) return "is too long";
  return undefined;
}

/**
 * Every rule a manifest must meet before any file job is sent, one readable problem each. The code agent
 * hands this list to the structured re-ask loop, so the model is told why its manifest was refused.
 */
export function manifestProblems(manifest: Manifest, design: Design, plan?: Plan, repository?: Repository): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of manifest.files) {
    const reason = unsafePathReason(entry.path);
    if (reason) problems.push(`path "${entry.path}" ${reason}`);
    const key = entry.path.toLowerCase();
    if (seen.has(key)) problems.push(`path "${entry.path}" is listed twice`);
    seen.add(key);
  }
  problems.push(...actionProblems(manifest, repository));
  const deleted = new Set(manifest.files.filter((entry) => actionOf(entry) === "delete").map((entry) => entry.path));
  // A file may depend on a repository file it does not change: its writer is shown that file as it is.
  const paths = new Set([...manifest.files.map((entry) => entry.path), ...(repository?.files ?? []).map((file) => file.path)]);
  for (const entry of manifest.files) {
    for (const dependency of entry.dependsOn) {
      if (dependency === entry.path) problems.push(`"${entry.path}" depends on itself`);
      else if (deleted.has(dependency)) problems.push(`"${entry.path}" depends on "${dependency}", which the manifest deletes`);
      else if (!paths.has(dependency)) problems.push(`"${entry.path}" depends on "${dependency}", which is not in the manifest${repository ? " or the repository" : ""}`);
    }
    if (entry.estimatedLines === 0 && isDependencyFile(entry.path)) {
      problems.push(`"${entry.path}" is a dependency file and cannot be empty (estimatedLines 0 declares an empty file)`);
    }
  }
  problems.push(...missingDependencyFiles(manifest.files, design.packages ?? []));
  const componentIds = new Set(design.components.map((component) => component.id));
  const coveredComponents = new Set(manifest.files.map((entry) => entry.componentId));
  for (const component of design.components) {
    if (!coveredComponents.has(component.id)) problems.push(`component "${component.id}" has no file`);
  }
  for (const entry of manifest.files) {
    if (!componentIds.has(entry.componentId)) problems.push(`"${entry.path}" names unknown component "${entry.componentId}"`);
  }
  if (plan) {
    const unitIds = new Set(plan.units.map((unit) => unit.id));
    for (const entry of manifest.files) {
      if (!unitIds.has(entry.unitId)) problems.push(`"${entry.path}" names unknown semantic unit "${entry.unitId}"`);
    }
  }
  if (!manifest.files.some((entry) => entry.type === "test" && actionOf(entry) !== "delete")) problems.push("the manifest has no test file");
  return problems;
}

/** Modify and delete name files the repository has; create names files it does not (decision 1200). */
function actionProblems(manifest: Manifest, repository: Repository | undefined): string[] {
  const existing = new Set((repository?.files ?? []).map((file) => file.path));
  const problems: string[] = [];
  for (const entry of manifest.files) {
    const action = actionOf(entry);
    if (action === "create" && existing.has(entry.path)) problems.push(`"${entry.path}" already exists in the repository: its action is modify, not create`);
    if (action !== "create" && !repository) problems.push(`"${entry.path}" has action ${action}, but the run has no repository: every file is created`);
    else if (action !== "create" && !existing.has(entry.path)) problems.push(`"${entry.path}" has action ${action}, but the repository has no such file`);
  }
  return problems;
}

/** The manifest's rules as one error listing every problem (for a manifest that did not come from the re-ask loop). */
export function validateManifest(manifest: Manifest, design: Design, plan?: Plan): void {
  const problems = manifestProblems(manifest, design, plan);
  if (problems.length > 0) {
    throw new ValidationError(`the code manifest is invalid: ${problems.join("; ")}`, {
      code: "manifest_invalid",
      details: { problems },
    });
  }
}
