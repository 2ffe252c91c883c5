import { parseArgs } from "node:util";
import type { CommandIo } from "../command-io.ts";
import { openBus } from "../watch/open-bus.ts";
import { startDashboardServer } from "./server.ts";

export const dashboardUsage = `usage: asp dashboard [--port N] [--host ADDRESS]
  A web page of the running fleet (NATS_URL / ASP_NAMESPACE): live runs with their stages, writers
  and costs, the agents, the history with a chart, and approve/reject buttons on waiting gates.
  Default port 4300 on 127.0.0.1 (the page can approve gates: expose it with care).
`;

export async function dashboardCommand(argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: argv, options: { port: { type: "string", default: "4300" }, host: { type: "string", default: "127.0.0.1" }, help: { type: "boolean", short: "h" } } }).values;
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${dashboardUsage}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(dashboardUsage);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    io.stderr.write(`--port must be a whole number from 0 to 65535 (got ${values.port})\n`);
    return 2;
  }
  const session = await openBus(env, "asp-dashboard");
  try {
    const server = await startDashboardServer({ connection: session.connection, subjects: session.subjects, port,
      host: values.host,
      onInvalidEvent: (error) => io.stderr.write(`skipped event: ${error.message}\n`),
    });
    io.stdout.write(`asp dashboard at ${server.url} (fleet ${session.natsUrl}, namespace ${session.subjects.namespace})\n`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    await server.close();
    return 0;
  } finally {
    await session.close();
  }
}
