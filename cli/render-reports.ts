import type { Design } from "../schemas/design.ts";
import type { Postmortem } from "../schemas/postmortem.ts";
import type { Review } from "../schemas/review.ts";
import { renderDesign } from "../agents/shared/render.ts";

export function designMarkdown(design: Design): string {
  return `# Design\n\n${renderDesign(design)}\n`;
}

export function reviewMarkdown(title: string, review: Review): string {
  const lines = [`# ${title}`, "", `**Verdict:** ${review.verdict}`, "", review.summary, "", "## Reviewers", ""];
  for (const reviewer of review.reviewers) {
    lines.push(`- ${reviewer.reviewer}: ${reviewer.status}, ${reviewer.findings} finding(s)${reviewer.error ? ` — ${reviewer.error}` : ""}`);
  }
  lines.push("", "## Findings", "");
  if (review.findings.length === 0) lines.push("None.");
  for (const finding of review.findings) {
    const where = finding.file ? ` \`${finding.file}${finding.line ? `:${finding.line}` : ""}\`` : finding.componentId ? ` component \`${finding.componentId}\`` : "";
    lines.push(`- **${finding.severity}** [${finding.category}, ${finding.reviewer}]${where}: ${finding.description}${finding.recommendation ? ` — ${finding.recommendation}` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}

const usd = (value: number | null) => (value === null ? "—" : `$${value.toFixed(4)}`);
const plain = (value: number | null) => (value === null ? "—" : String(Math.round(value)));

/** Costs summed from default-price estimates say so wherever they are shown. */
const estimatedMark = (totals: Postmortem["totals"]) => (totals.costEstimated ? " (estimated)" : "");

/** A change request's size per PSP (decision 1202), planned against actual, and per file. */
function changeSizeSection(postmortem: Postmortem): string[] {
  const size = postmortem.changeSize;
  if (!size) return [];
  return [
    "## Size of the change (PSP)",
    "",
    "| lines | planned | actual |",
    "| --- | --- | --- |",
    ...(["base", "added", "modified", "deleted"] as const).map((kind) => `| ${kind} | ${size.planned[kind]} | ${size.actual[kind]} |`),
    "",
    "| file | action | base | added | modified | deleted |",
    "| --- | --- | --- | --- | --- | --- |",
    ...size.files.map((file) => `| ${file.path} | ${file.action} | ${file.base} | ${file.added} | ${file.modified} | ${file.deleted} |`),
    "",
  ];
}

export function postmortemMarkdown(postmortem: Postmortem): string {
  const planned = postmortem.plannedVersusActual;
  const lines = [
    `# Postmortem of run ${postmortem.runId}`,
    "",
    `**Outcome:** ${postmortem.outcome}  `,
    `**Estimated complexity:** ${postmortem.estimatedComplexity}`,
    "",
    "## Planned against actual",
    "",
    "| measure | planned | actual |",
    "| --- | --- | --- |",
    `| tokens | ${plain(planned.tokens.planned)} | ${planned.tokens.actual} |`,
    `| cost | ${usd(planned.costUsd.planned)} | ${usd(planned.costUsd.actual)}${estimatedMark(postmortem.totals)} |`,
    `| time (ms) | ${plain(planned.durationMs.planned)} | ${planned.durationMs.actual} |`,
    `| files | ${plain(planned.files.planned)} | ${planned.files.actual} |`,
    `| lines | ${plain(planned.lines.planned)} | ${planned.lines.actual} |`,
    "",
    ...changeSizeSection(postmortem),
    "## Model usage",
    "",
    `${postmortem.totals.calls} calls; input ${postmortem.totals.inputTokens}, output ${postmortem.totals.outputTokens}, cache write ${postmortem.totals.cacheWriteTokens}, cache read ${postmortem.totals.cacheReadTokens} tokens; ${usd(postmortem.totals.costUsd)}${estimatedMark(postmortem.totals)}.${postmortem.totals.costEstimated ? " Estimated: some calls used a model without a price in llm/pricing.ts, billed here at the default price." : ""}`,
    "",
    "| agent | calls | cost |",
    "| --- | --- | --- |",
    ...Object.entries(postmortem.costByAgent).map(([agent, totals]) => `| ${agent} | ${totals.calls} | ${usd(totals.costUsd)}${estimatedMark(totals)} |`),
    "",
    ...((postmortem.attempts?.length ?? 0) > 1
      ? ["| attempt | calls | cost |", "| --- | --- | --- |", ...postmortem.attempts!.map((attempt) => `| ${attempt.attempt} | ${attempt.calls} | ${usd(attempt.costUsd)} |`), ""]
      : []),
    "## Quality",
    "",
    `Defect density: ${postmortem.defectDensityPerKloc.toFixed(2)} per KLOC. Yield: ${Object.entries(postmortem.phaseYield).map(([phase, value]) => `${phase} ${(value * 100).toFixed(0)}%`).join(", ")}.`,
    `Cost of quality: review ${(postmortem.costOfQuality.reviewShare * 100).toFixed(1)}% (${usd(postmortem.costOfQuality.reviewUsd)}), failure ${(postmortem.costOfQuality.failureShare * 100).toFixed(1)}% (${usd(postmortem.costOfQuality.failureUsd)}).`,
    "",
    "## Defect log",
    "",
    "| id | severity | type | injected | removed | description |",
    "| --- | --- | --- | --- | --- | --- |",
    ...postmortem.defects.map((defect) => `| ${defect.id} | ${defect.severity} | ${defect.type} | ${defect.injectedIn} | ${defect.removedIn} | ${defect.description.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`),
    "",
    "## Gate decisions",
    "",
    ...postmortem.gateDecisions.map((decision) => `- ${decision.stage} round ${decision.round}: ${decision.verdict} (${decision.decidedBy})`),
    "",
    "## Improvement proposal",
    "",
  ];
  if (!postmortem.proposal) lines.push("The model gave no proposal for this run.");
  else {
    lines.push(postmortem.proposal.summary, "");
    for (const proposal of postmortem.proposal.proposals) lines.push(`- **${proposal.phase}:** ${proposal.problem} → ${proposal.change} (${proposal.expectedBenefit})`);
  }
  return `${lines.join("\n")}\n`;
}
