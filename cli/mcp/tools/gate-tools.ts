import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { assertToken } from "../../../bus/subjects.ts";
import { decideGate, decidedByUser, gateDecidedMessage, type GateDecision } from "../../gate-decision.ts";
import type { ToolContext } from "../tool-context.ts";
import { answer, jsonResult } from "../tool-results.ts";

const inputSchema = {
  runId: z.string().min(1).describe("The run waiting at a human gate"),
  gate: z.string().min(1).describe("The gate's stage id, e.g. design-review (run_status shows waitingAtGate)"),
  note: z.string().max(2000).optional().describe("Why: recorded with the decision and shown in the postmortem"),
};

/** approve_gate and reject_gate: `asp approve` / `asp reject`, with the orchestrator's refusal as the tool error. */
function registerGateTool(server: McpServer, context: ToolContext, decision: GateDecision): void {
  const name = `${decision}_gate`;
  server.registerTool(
    name,
    {
      title: decision === "approve" ? "Approve a gate" : "Reject a gate",
      description:
        decision === "approve"
          ? "Approve a run waiting at a human gate: the run goes on past it."
          : "Reject a run waiting at a human gate: the run fails with who rejected it and the note as its reason.",
      inputSchema,
    },
    ({ runId, gate, note }) =>
      answer(context.logger, name, async () => {
        assertToken(runId, "run id");
        const { connection, subjects } = await context.fleet.session();
        const reply = await decideGate(connection, subjects, runId, gate, decision, note ?? "", { decidedBy: decidedByUser("mcp") });
        if (!reply.ok) throw new Error(reply.error);
        return jsonResult({ runId, gate: reply.gate, decision: reply.decision, message: gateDecidedMessage(decision, reply.gate, runId) });
      }),
  );
}

export function registerGateTools(server: McpServer, context: ToolContext): void {
  registerGateTool(server, context, "approve");
  registerGateTool(server, context, "reject");
}
