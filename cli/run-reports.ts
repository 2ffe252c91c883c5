import type { RunState } from "../schemas/run.ts";
import { designMarkdown, postmortemMarkdown, reviewMarkdown } from "./render-reports.ts";

/** The reports a run can have, by the name `asp run --out` gives their files (without the extension). */
export const reportNames = ["plan", "design", "design-review", "code-review", "test-report", "postmortem"] as const;
export type ReportName = (typeof reportNames)[number];

export interface RenderedReport {
  name: ReportName;
  fileName: string;
  mimeType: "application/json" | "text/markdown";
  content: string;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Which stage output each report renders, and how: the one place that knows, for the output folder and the MCP server alike. */
const renderers: Record<ReportName, { output: string; fileName: string; mimeType: RenderedReport["mimeType"]; render(value: any): string }> = {
  plan: { output: "plan", fileName: "plan.json", mimeType: "application/json", render: json },
  design: { output: "design", fileName: "design.md", mimeType: "text/markdown", render: designMarkdown },
  "design-review": { output: "designReview", fileName: "design-review.md", mimeType: "text/markdown", render: (review) => reviewMarkdown("Design review", review) },
  "code-review": { output: "codeReview", fileName: "code-review.md", mimeType: "text/markdown", render: (review) => reviewMarkdown("Code review", review) },
  "test-report": { output: "testReport", fileName: "test-report.json", mimeType: "application/json", render: json },
  postmortem: { output: "postmortem", fileName: "postmortem.md", mimeType: "text/markdown", render: postmortemMarkdown },
};

/** The reports a run has so far, without rendering them (listing many runs' reports should not render them all). */
export const availableReports = (state: RunState): ReportName[] => reportNames.filter((name) => Boolean(state.outputs[renderers[name].output]));

/** The MIME type of a report, for resource listings. */
export const reportMimeType = (name: ReportName) => renderers[name].mimeType;

export const isReportName = (name: string): name is ReportName => (reportNames as readonly string[]).includes(name);

/** One report of a run, or undefined when its stage has not produced it (yet, or ever: a run that stopped earlier). */
export function renderRunReport(state: RunState, name: ReportName): RenderedReport | undefined {
  const renderer = renderers[name];
  const value = state.outputs[renderer.output];
  if (!value) return undefined;
  return { name, fileName: renderer.fileName, mimeType: renderer.mimeType, content: renderer.render(value) };
}

/** Every report the run has, in pipeline order. */
export function renderRunReports(state: RunState): RenderedReport[] {
  return reportNames.map((name) => renderRunReport(state, name)).filter((report): report is RenderedReport => report !== undefined);
}
