import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { createRunStore } from "../../../agents/shared/run-store.ts";
import { availableReports, isReportName, reportMimeType, reportNames } from "../../run-reports.ts";
import { findRun } from "../run-lookup.ts";
import type { ToolContext } from "../tool-context.ts";
import { reportOf } from "../tools/run-report-tool.ts";
import { knownRunIds, templateVariable } from "./template-variables.ts";

export const runReportTemplate = "asp://runs/{runId}/reports/{report}";
export const runReportUri = (runId: string, report: string) => `asp://runs/${runId}/reports/${report}`;

/** `asp://runs/{runId}/reports/{report}`: the same reports the run_report tool returns, for clients that attach resources. */
export function registerRunReportResource(server: McpServer, context: ToolContext): void {
  const template = new ResourceTemplate(runReportTemplate, {
    // Every report every run has so far: what an assistant can attach without knowing a run id.
    list: async () => {
      const { connection, subjects } = await context.fleet.session();
      const states = await createRunStore(connection, subjects).list();
      return {
        resources: states.flatMap((state) =>
          availableReports(state).map((report) => ({ uri: runReportUri(state.runId, report), name: `${state.runId} ${report}`, title: `${report} of ${state.task.title}`, mimeType: reportMimeType(report) })),
        ),
      };
    },
    complete: {
      runId: (value) => knownRunIds(context, value),
      report: (value) => reportNames.filter((name) => name.startsWith(value)),
    },
  });
  server.registerResource(
    "run-report",
    template,
    { title: "A run's report", description: `One report of a run: ${reportNames.join(", ")}.` },
    async (uri, variables) => {
      const runId = templateVariable(variables, "runId");
      const report = templateVariable(variables, "report");
      if (!isReportName(report)) throw new Error(`unknown report "${report}": one of ${reportNames.join(", ")}`);
      const rendered = reportOf(await findRun(context, runId), report);
      return { contents: [{ uri: uri.href, mimeType: rendered.mimeType, text: rendered.content }] };
    },
  );
}
