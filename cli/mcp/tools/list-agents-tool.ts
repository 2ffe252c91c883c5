import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { listAgentInstances, noAgentAnswersMessage } from "../../agents-command.ts";
import type { ToolContext } from "../tool-context.ts";
import { answer, jsonResult } from "../tool-results.ts";

export function registerListAgentsTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "list_agents",
    {
      title: "List agents",
      description: "Every agent instance of the fleet, found through $SRV.INFO and $SRV.STATS as `asp agents` finds them: name, instance, version, subjects, jobs processed and failed, in flight, average processing time.",
      inputSchema: { waitMs: z.number().int().min(50).max(60_000).optional().describe("How long to wait for answers after the last one (default 1000 ms)") },
      annotations: { readOnlyHint: true },
    },
    ({ waitMs }) =>
      answer(context.logger, "list_agents", async () => {
        const session = await context.fleet.session();
        const instances = await listAgentInstances(session.connection, session.subjects, { maxWaitMs: waitMs ?? 1000 });
        const counts: Record<string, number> = {};
        for (const instance of instances) counts[instance.name] = (counts[instance.name] ?? 0) + 1;
        return jsonResult({
          namespace: session.subjects.namespace,
          instances,
          counts,
          // The words `asp agents` uses for an empty fleet; not an error, since an empty fleet is a fact.
          ...(instances.length === 0 ? { note: noAgentAnswersMessage(session.natsUrl, session.subjects.namespace) } : {}),
        });
      }),
  );
}
