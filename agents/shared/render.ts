import type { Design } from "../../schemas/design.ts";
import type { Plan } from "../../schemas/plan.ts";
import type { Feedback } from "../../schemas/run.ts";
import type { Task } from "../../schemas/task.ts";
import type { Manifest } from "../../schemas/manifest.ts";

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
  if (design.packages?.length) {
    out.push("## Packages", ...design.packages.map((item) => `- ${item.name} ${item.version} (${item.ecosystem}${item.dev ? ", dev" : ""}): ${item.purpose}`), "");
  }
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
    (finding) => `- [${finding.severity}] ${finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ""}: ` : ""}${finding.description}${finding.recommendation ? ` — ${finding.recommendation}` : ""}`,
  );
  return `\nFeedback from ${feedback.fromStage} (round ${feedback.round}): ${feedback.summary}\n${lines.join("\n")}\nFix these problems.`;
}
