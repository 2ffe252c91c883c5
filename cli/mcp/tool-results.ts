import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";

/** A JSON answer: as text for assistants that read text, and as structured content for those that read that. */
export function jsonResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }], structuredContent: value };
}

export function textResult(text: string): CallToolResult {
  return { content: [{ type: "text", text }] };
}

/** A tool error (isError: true): the model sees the message and can correct itself; the protocol call itself succeeded. */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/**
 * Runs a tool's work and turns a thrown error into a tool error carrying the same message the CLI
 * prints. The SDK would do that too; doing it here logs it (to stderr) and keeps one place that decides.
 */
export async function answer(logger: Logger, tool: string, work: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await work();
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    logger.warn({ tool, error: message }, "tool call failed");
    return errorResult(message);
  }
}
