import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerRunEventsResource } from "./resources/run-events-resource.ts";
import { registerRunReportResource } from "./resources/run-report-resource.ts";
import type { ToolContext } from "./tool-context.ts";
import { registerGateTools } from "./tools/gate-tools.ts";
import { registerListAgentsTool } from "./tools/list-agents-tool.ts";
import { registerListRunsTool } from "./tools/list-runs-tool.ts";
import { registerRunReportTool } from "./tools/run-report-tool.ts";
import { registerRunStatusTool } from "./tools/run-status-tool.ts";
import { registerSubmitTaskTool } from "./tools/submit-task-tool.ts";

const instructions = `asp runs software tasks through a fleet of agents on NATS (plan, design, design review, code, code review, test, postmortem).
Submit a task with submit_task, then poll run_status until its status is passed, failed or error; a run whose status is "waiting" stands at a human gate (waitingAtGate) until approve_gate or reject_gate decides it.
Read what a run produced with run_report or the resources asp://runs/{runId}/reports/{report} and asp://runs/{runId}/events.ndjson.`;

/** The asp MCP server: the CLI's fleet commands as tools, and a run's reports and events as resources. */
export function createAspMcpServer(context: ToolContext, version: string): McpServer {
  const server = new McpServer({ name: "asp", title: "asp: an agentic software process on NATS", version }, { instructions });
  registerSubmitTaskTool(server, context);
  registerRunStatusTool(server, context);
  registerListRunsTool(server, context);
  registerRunReportTool(server, context);
  registerGateTools(server, context);
  registerListAgentsTool(server, context);
  registerRunReportResource(server, context);
  registerRunEventsResource(server, context);
  return server;
}
