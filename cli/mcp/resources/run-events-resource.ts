import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { createRunStore } from "../../../agents/shared/run-store.ts";
import { readStoredEvents } from "../../../bus/events.ts";
import { assertToken } from "../../../bus/subjects.ts";
import { eventsAsNdjson } from "../../events-ndjson.ts";
import { findRun } from "../run-lookup.ts";
import type { ToolContext } from "../tool-context.ts";
import { knownRunIds, templateVariable } from "./template-variables.ts";

export const runEventsTemplate = "asp://runs/{runId}/events.ndjson";
export const runEventsUri = (runId: string) => `asp://runs/${runId}/events.ndjson`;

/** `asp://runs/{runId}/events.ndjson`: every stored event of a run, as `events.ndjson` in its output folder holds them. */
export function registerRunEventsResource(server: McpServer, context: ToolContext): void {
  const template = new ResourceTemplate(runEventsTemplate, {
    list: async () => {
      const { connection, subjects } = await context.fleet.session();
      const states = await createRunStore(connection, subjects).list();
      return { resources: states.map((state) => ({ uri: runEventsUri(state.runId), name: `${state.runId} events`, title: `events of ${state.task.title}`, mimeType: "application/x-ndjson" })) };
    },
    complete: { runId: (value) => knownRunIds(context, value) },
  });
  server.registerResource(
    "run-events",
    template,
    { title: "A run's events", description: "Every stored event of a run as NDJSON, one event a line (schemas in docs/messages.md).", mimeType: "application/x-ndjson" },
    async (uri, variables) => {
      const runId = assertToken(templateVariable(variables, "runId"), "run id");
      const { connection, subjects } = await context.fleet.session();
      const onInvalid = (error: Error) => context.logger.warn({ runId, error: error.message }, "skipped event");
      const events = await readStoredEvents(connection, subjects, runId, onInvalid);
      // No events: either an unknown run (an error in asp show's words) or one not started yet (empty).
      if (events.length === 0) await findRun(context, runId);
      return { contents: [{ uri: uri.href, mimeType: "application/x-ndjson", text: events.length === 0 ? "" : eventsAsNdjson(events) }] };
    },
  );
}
