import path from "node:path";
import type { Design } from "../../../schemas/design.ts";
import type { Manifest } from "../../../schemas/manifest.ts";
import type { PlanDraft } from "../../../schemas/plan.ts";
import type { ReviewerReply } from "../../../schemas/review.ts";

/*
 * The rules the pipeline holds a scenario's replies to, written out again independently of the
 * agents' own checks: each returns a list of problems, so one failing assertion shows them all.
 */

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

export function planProblems(plan: PlanDraft): string[] {
  return duplicates(plan.units.map((unit) => unit.id)).map((id) => `unit id "${id}" is used twice`);
}

/** Component ids on a dependency cycle, if any. */
function cycleIn(design: Design): string[] | undefined {
  const edges = new Map(design.components.map((component) => [component.id, component.dependsOn]));
  const done = new Set<string>();
  const visit = (id: string, trail: string[]): string[] | undefined => {
    if (trail.includes(id)) return [...trail.slice(trail.indexOf(id)), id];
    if (done.has(id)) return undefined;
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next, [...trail, id]);
      if (cycle) return cycle;
    }
    done.add(id);
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id, []);
    if (cycle) return cycle;
  }
  return undefined;
}

export function designProblems(design: Design, plan: PlanDraft): string[] {
  const problems: string[] = [];
  const unitIds = new Set(plan.units.map((unit) => unit.id));
  const componentIds = new Set(design.components.map((component) => component.id));
  const contractNames = new Set(design.apiContracts.map((contract) => contract.name));
  const schemaNames = new Set(design.dataSchemas.map((schema) => schema.name));
  const covered = new Set(design.components.flatMap((component) => component.unitIds));
  for (const id of duplicates(design.components.map((component) => component.id))) problems.push(`component id "${id}" is used twice`);
  for (const name of duplicates(design.apiContracts.map((contract) => contract.name))) problems.push(`contract "${name}" is defined twice`);
  for (const unit of plan.units) if (!covered.has(unit.id)) problems.push(`unit "${unit.id}" is covered by no component`);
  for (const component of design.components) {
    for (const id of component.unitIds) if (!unitIds.has(id)) problems.push(`component "${component.id}" names unknown unit "${id}"`);
    for (const id of component.dependsOn) if (!componentIds.has(id)) problems.push(`component "${component.id}" depends on unknown "${id}"`);
    if (component.interfaces.length === 0) problems.push(`component "${component.id}" has no interface`);
    for (const name of component.interfaces) {
      if (!contractNames.has(name)) problems.push(`component "${component.id}" provides "${name}", which is no API contract`);
    }
  }
  const cycle = cycleIn(design);
  if (cycle) problems.push(`component dependencies form a cycle: ${cycle.join(" -> ")}`);
  for (const contract of design.apiContracts) {
    for (const name of contract.schemas) if (!schemaNames.has(name)) problems.push(`contract "${contract.name}" uses undefined schema "${name}"`);
  }
  return problems;
}

/** Relative, normalised, forward slashes: the only paths a file writer may write. */
export function isNormalisedPath(filePath: string): boolean {
  return (
    !filePath.startsWith("/") &&
    !filePath.includes("\\") &&
    !filePath.endsWith("/") &&
    filePath.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..") &&
    path.posix.normalize(filePath) === filePath
  );
}

export function manifestProblems(manifest: Manifest, design: Design, plan: PlanDraft, language: string | undefined): string[] {
  const problems: string[] = [];
  const paths = manifest.files.map((entry) => entry.path);
  const pathSet = new Set(paths);
  const unitIds = new Set(plan.units.map((unit) => unit.id));
  const componentIds = new Set(design.components.map((component) => component.id));
  if (language !== undefined && manifest.language !== language) problems.push(`manifest language ${manifest.language} is not the task's ${language}`);
  for (const filePath of duplicates(paths)) problems.push(`path "${filePath}" is listed twice`);
  for (const entry of manifest.files) {
    if (!isNormalisedPath(entry.path)) problems.push(`path "${entry.path}" is not relative and normalised`);
    if (!unitIds.has(entry.unitId)) problems.push(`"${entry.path}" names unknown unit "${entry.unitId}"`);
    if (!componentIds.has(entry.componentId)) problems.push(`"${entry.path}" names unknown component "${entry.componentId}"`);
    for (const dependency of entry.dependsOn) {
      if (dependency === entry.path) problems.push(`"${entry.path}" depends on itself`);
      else if (!pathSet.has(dependency)) problems.push(`"${entry.path}" depends on "${dependency}", which is not in the manifest`);
    }
  }
  const covered = new Set(manifest.files.map((entry) => entry.componentId));
  for (const component of design.components) if (!covered.has(component.id)) problems.push(`component "${component.id}" has no file`);
  if (!manifest.files.some((entry) => entry.type === "test")) problems.push("no file has type test");
  return problems;
}

/** Every manifest path has exactly one text and every text belongs to the manifest; no text is blank. */
export function fileProblems(manifest: Manifest, files: Map<string, string>): string[] {
  const problems: string[] = [];
  const paths = new Set(manifest.files.map((entry) => entry.path));
  for (const filePath of paths) if (!files.has(filePath)) problems.push(`manifest file "${filePath}" has no files entry`);
  for (const [filePath, text] of files) {
    if (!paths.has(filePath)) problems.push(`files entry "${filePath}" is not in the manifest`);
    if (text.trim() === "") problems.push(`files entry "${filePath}" is empty, and an empty model reply is an error`);
  }
  return problems;
}

/** Happy-path reviews: nothing that fails a gate, and every file/line they cite exists. */
export function reviewProblems(reviews: Map<string, Pick<ReviewerReply, "findings">>, files: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [key, reply] of reviews) {
    for (const finding of reply.findings) {
      if (finding.severity === "critical" || finding.severity === "high") problems.push(`${key} has a ${finding.severity} finding, which fails the gate`);
      if (finding.file === undefined) continue;
      const text = files.get(finding.file);
      if (text === undefined) problems.push(`${key} cites "${finding.file}", which is not a generated file`);
      else if (finding.line !== undefined && finding.line > text.split("\n").length) problems.push(`${key} cites ${finding.file}:${finding.line}, past its end`);
    }
  }
  return problems;
}
