import type { Variables } from "@modelcontextprotocol/sdk/shared/uriTemplate.js";
import { createRunStore } from "../../../agents/shared/run-store.ts";
import type { ToolContext } from "../tool-context.ts";

/** A URI template variable as one string (a template may give a list for an exploded variable; ours never explode). */
export function templateVariable(variables: Variables, name: string): string {
  const value = variables[name];
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) throw new Error(`the resource URI has no ${name}`);
  return decodeURIComponent(text);
}

/** Run ids starting with what was typed, for resource template completion; no fleet means no suggestions, not an error. */
export async function knownRunIds(context: ToolContext, prefix: string): Promise<string[]> {
  try {
    const { connection, subjects } = await context.fleet.session();
    const states = await createRunStore(connection, subjects).list();
    return states.map((state) => state.runId).filter((runId) => runId.startsWith(prefix)).slice(-100);
  } catch {
    return [];
  }
}
