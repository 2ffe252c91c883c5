import type { Design } from "../../schemas/design.ts";
import type { Plan } from "../../schemas/plan.ts";
import type { Feedback } from "../../schemas/run.ts";
import type { Task } from "../../schemas/task.ts";
import type { Manifest } from "../../schemas/manifest.ts";
import type { DesignPackage } from "../../schemas/design.ts";
import type { DependencyFile, FailingTest } from "../../schemas/file-job.ts";
import type { PreviousFinding } from "../../schemas/reviewer-job.ts";

export function taskValues(task: Task): Record<string, string> {
  return {
    title: task.title,
    description: task.description,
    requirements: task.requirements.length > 0 ? task.requirements.map((requirement) => `- ${requirement}`).join("\n") : "- (none stated)",
  };
}

export function renderPlan(plan: Plan): string {
  const lines = plan.units.map(
    (unit) => `- ${unit.id}: ${unit.name} (complexity ${unit.complexity}) — ${unit.description}`,
  );
  return [`${plan.summary}`, ...lines, `Total complexity: ${plan.totals.complexity}`].join("\n");
}

/** The design as readable text: it is what reviewers, the manifest and every file writer read. */
export function renderDesign(design: Design): string {
  const out: string[] = [];
  out.push("## Overview", design.overview, "", "## Technology stack", ...design.technologyStack.map((item) => `- ${item}`), "");
  if (design.packages?.length) out.push("Third-party packages:", renderPackages(design.packages), "");
  out.push("## API contracts");
  for (const contract of design.apiContracts) {
    out.push(`### ${contract.name}`, `Signature: ${contract.signature}`, contract.description);
    if (contract.inputs.length) out.push(`Inputs: ${contract.inputs.join("; ")}`);
    if (contract.outputs.length) out.push(`Outputs: ${contract.outputs.join("; ")}`);
    if (contract.errors.length) out.push(`Errors: ${contract.errors.join("; ")}`);
    if (contract.schemas.length) out.push(`Schemas: ${contract.schemas.join(", ")}`);
    out.push("");
  }
  if (design.dataSchemas.length) {
    out.push("## Data schemas");
    for (const schema of design.dataSchemas) {
      out.push(`### ${schema.name}`, schema.description, ...schema.fields.map((field) => `- ${field.name}: ${field.type}${field.required ? "" : " (optional)"}`), "");
    }
  }
  out.push("## Components");
  for (const component of design.components) {
    out.push(
      `### ${component.id}: ${component.name}`,
      component.responsibility,
      `Units: ${component.unitIds.join(", ")}; interfaces: ${component.interfaces.join(", ") || "none"}; depends on: ${component.dependsOn.join(", ") || "nothing"}`,
      "",
    );
  }
  out.push("## Review checklist", ...design.reviewChecklist.map((item) => `- ${item}`));
  return out.join("\n");
}

export function renderManifest(manifest: Manifest): string {
  return manifest.files
    .map((entry) => `- ${entry.path} [${entry.type}] ${entry.purpose} (component ${entry.componentId}, ~${entry.estimatedLines} lines${entry.dependsOn.length ? `; uses ${entry.dependsOn.join(", ")}` : ""})`)
    .join("\n");
}

export function renderFeedback(feedback: Feedback | undefined, onlyFile?: string): string {
  if (!feedback) return "";
  const findings = feedback.findings.filter((finding) => !onlyFile || !finding.file || finding.file === onlyFile);
  const lines = findings.map(
    (finding) => `- [${finding.severity}${finding.id ? ` ${finding.id}` : ""}] ${finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ""}: ` : ""}${finding.description}${finding.recommendation ? ` — ${finding.recommendation}` : ""}`,
  );
  return `\nFeedback from ${feedback.fromStage} (round ${feedback.round}): ${feedback.summary}\n${lines.join("\n")}\nFix these problems.`;
}

/** The gate's previous findings, by id, for the reviewer to say which are resolved. */
export function renderPreviousFindings(findings: PreviousFinding[]): string {
  if (findings.length === 0) return "";
  const lines = findings.map((finding) => {
    const where = finding.file ? ` ${finding.file}${finding.line ? `:${finding.line}` : ""}` : finding.componentId ? ` (component ${finding.componentId})` : "";
    return `- ${finding.id} [${finding.severity}]${finding.reviewer ? ` from ${finding.reviewer}` : ""}${where}: ${finding.description}`;
  });
  return `\nFindings of the previous round. List the id of each one that is now fixed in \`resolved\`; report again any that is not:\n${lines.join("\n")}\n`;
}

/** The design of the previous round, which a revision changes where the findings say and keeps elsewhere. */
export function renderPreviousDesign(design: Design | undefined): string {
  if (!design) return "";
  return `\nYour previous design, which the review above is about. Revise it: fix what the findings name, keep what they do not touch.\n<previous-design>\n${renderDesign(design)}\n</previous-design>\n`;
}

// ---- Code path: what one file's writer is told (decisions 1101-1103). Each is its own prompt placeholder. ----

/** One line per package: name, version, registry, whether only the tests need it, and why. */
export function renderPackages(packages: DesignPackage[]): string {
  return packages.map((item) => `- ${item.name} ${item.version} (${item.ecosystem}${item.dev ? ", dev only" : ""}): ${item.purpose}`).join("\n");
}

/** For a dependency file: the packages it must declare, exactly as the design names them. */
export function renderPackagesToDeclare(filePath: string, packages: DesignPackage[]): string {
  if (packages.length === 0) return "";
  return `\n\`${filePath}\` is a dependency file. Declare exactly these packages of the design, with these versions (dev-only ones as development or test dependencies):\n${renderPackages(packages)}\n`;
}

/** The current content of the files this one depends on, each whole, so the file matches their real names and signatures. */
export function renderDependencyFiles(files: DependencyFile[]): string {
  if (files.length === 0) return "";
  const blocks = files.map((file) => `<file path="${file.path}">\n${file.content}${file.content.endsWith("\n") || file.content === "" ? "" : "\n"}</file>`);
  return `\nThe current content of the files it depends on (use their real names and signatures):\n${blocks.join("\n")}\n`;
}

/** Each failing test's name, where it failed and its message: what a person repairing the file would read first. */
export function renderFailingTests(failures: FailingTest[]): string {
  if (failures.length === 0) return "";
  const lines = failures.map((failure) => {
    const where = failure.file ? `${failure.file}${failure.line ? `:${failure.line}` : ""}` : "(no file reported)";
    return `- ${failure.name} at ${where}${failure.runner ? ` [${failure.runner}]` : ""}\n  ${failure.message.trim().split("\n").join("\n  ")}`;
  });
  return `\nThese tests failed in the last test run:\n${lines.join("\n")}\n`;
}

/** The file's version from the round before, when this round rewrites it. */
export function renderPreviousContent(content: string | undefined): string {
  if (content === undefined) return "";
  return `\nThe previous version of this file was:\n<previous>\n${content}${content.endsWith("\n") || content === "" ? "" : "\n"}</previous>\n`;
}
