import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { runListingRow } from "../../history-commands.ts";
import { loadRunHistory } from "../../watch/run-history.ts";
import type { ToolContext } from "../tool-context.ts";
import { answer, jsonResult } from "../tool-results.ts";

export function registerListRunsTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "list_runs",
    {
      title: "List runs",
      description: "Every run the fleet knows, oldest first, as `asp runs --json` lists them: status, verdicts, cost, tokens, time, files and, for finished runs, their history record and postmortem figures.",
      annotations: { readOnlyHint: true },
    },
    () =>
      answer(context.logger, "list_runs", async () => {
        const { connection, subjects } = await context.fleet.session();
        const onInvalid = (error: Error) => context.logger.warn({ error: error.message }, "skipped event");
        const entries = await loadRunHistory(connection, subjects, { onInvalid });
        return jsonResult({ namespace: subjects.namespace, runs: entries.map(runListingRow) });
      }),
  );
}
