import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createLogger, readLogLevel } from "../../logging/index.ts";
import type { CommandIo } from "../command-io.ts";
import { createFleetConnector } from "./fleet-connector.ts";
import { createAspMcpServer } from "./mcp-server.ts";

export const mcpUsage = `usage: asp mcp
  A Model Context Protocol server on stdio, for coding assistants: submit tasks to the running fleet,
  follow runs, read their reports and events, decide human gates, list agents (docs/mcp.md).
  It finds the fleet as the other commands do: NATS_URL / ASP_NAMESPACE, or the fleet 'asp up' runs here
  (.asp/fleet.json under ASP_DATA_DIR). Stdout carries only protocol messages; logs go to stderr.
`;

async function packageVersion(): Promise<string> {
  const text = await readFile(new URL("../../package.json", import.meta.url), "utf8").catch(() => "{}");
  return (JSON.parse(text) as { version?: string }).version ?? "0.0.0";
}

/** `asp mcp`: serves until the client closes stdin (or a SIGTERM / SIGINT), then closes its bus connection. */
export async function mcpCommand(argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: argv, options: { help: { type: "boolean", short: "h" } } }).values;
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${mcpUsage}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(mcpUsage);
    return 0;
  }
  // Stdout belongs to the protocol: every log line goes to stderr, which MCP clients show as the server's log.
  const logger = createLogger({ name: "asp-mcp", level: readLogLevel(env, "info"), secrets: [env.ANTHROPIC_API_KEY], destination: { write: (line: string) => void io.stderr.write(line) } });
  const fleet = createFleetConnector(env, logger);
  const server = createAspMcpServer({ fleet, logger }, await packageVersion());
  const closed = new Promise<void>((resolve) => (server.server.onclose = resolve));
  const stop = () => void server.close().catch(() => undefined);
  // The stdio transport does not watch for the end of its input; a client that goes away ends it.
  process.stdin.once("end", stop);
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  try {
    await server.connect(new StdioServerTransport());
    logger.info("asp mcp serving on stdio");
    await closed;
  } finally {
    process.stdin.off("end", stop);
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
    await fleet.close();
    logger.info("asp mcp closed");
  }
  return 0;
}
