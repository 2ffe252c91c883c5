import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { renderRunReport, reportNames, type ReportName } from "../../run-reports.ts";
import type { RunHistoryEntry } from "../../watch/run-history.ts";
import { findRun } from "../run-lookup.ts";
import type { ToolContext } from "../tool-context.ts";
import { answer, textResult } from "../tool-results.ts";

/** A report of a run as the output folder holds it, or an error that says why there is none. */
export function reportOf(entry: RunHistoryEntry, report: ReportName): { content: string; mimeType: string } {
  if (!entry.state) throw new Error(`run ${entry.runId} has no stored state, so no reports (the orchestrator has not written it yet)`);
  const rendered = renderRunReport(entry.state, report);
  if (!rendered) throw new Error(`run ${entry.runId} has no ${report} report: its stage has not produced one (the run is ${entry.status}${entry.reason ? `: ${entry.reason}` : ""})`);
  return rendered;
}

export function registerRunReportTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "run_report",
    {
      title: "A run's report",
      description:
        "One report of a run, as `asp run --out` writes it: plan (JSON), design (Markdown), design-review, code-review (Markdown), test-report (JSON) or postmortem (Markdown: PSP figures, defect log, cost, improvement proposal).",
      inputSchema: {
        runId: z.string().min(1).describe("The run id"),
        report: z.enum(reportNames).describe("Which report"),
      },
      annotations: { readOnlyHint: true },
    },
    ({ runId, report }) => answer(context.logger, "run_report", async () => textResult(reportOf(await findRun(context, runId), report).content)),
  );
}
