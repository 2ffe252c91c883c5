import { RequestStrategy, type NatsConnection, type ServiceClient } from "nats";
import { parseArgs } from "node:util";
import type { Subjects } from "../bus/subjects.ts";
import type { CommandIo } from "./command-io.ts";
import { openBus } from "./watch/open-bus.ts";

export const agentsUsage = `usage: asp agents [--json] [--wait MS]
  Every agent instance of the fleet (NATS_URL / ASP_NAMESPACE), found through $SRV.INFO and $SRV.STATS:
  name, instance, version, subjects, requests handled, errors and average processing time.
`;

/** One running agent process as the services API reports it. */
export interface AgentInstanceRow {
  name: string;
  instance: string;
  serviceId: string;
  version: string;
  description: string;
  /** The JetStream job subject it pulls from, then its service endpoints. */
  subjects: string[];
  started?: string;
  /** Jobs from the work queue (stats data) plus direct requests answered by the service endpoints. */
  jobsProcessed: number;
  jobsFailed: number;
  inFlight: number;
  averageProcessingMs: number;
  endpointRequests: number;
  endpointErrors: number;
}

interface JobStatsData {
  jobsProcessed?: number;
  jobsFailed?: number;
  averageProcessingMs?: number;
  inFlight?: number;
}

/**
 * Asks every service in one round of INFO and one of STATS, collecting replies until none came
 * for `maxWaitMs` (a fleet has no fixed size, so there is nothing else to wait for).
 */
export async function listAgentInstances(connection: NatsConnection, subjects: Subjects, options: { maxWaitMs?: number } = {}): Promise<AgentInstanceRow[]> {
  const client = connection.services.client({ maxWait: options.maxWaitMs ?? 1000, strategy: RequestStrategy.Timer });
  const rows = new Map<string, AgentInstanceRow>();
  try {
    await collectInfo(client, subjects, rows);
  } catch (error) {
    // "No responders": nobody serves $SRV on this server at all, which is an empty fleet, not a failure.
    if ((error as { code?: string }).code === "503") return [];
    throw error;
  }
  for await (const stats of await client.stats()) {
    const row = rows.get(stats.id);
    if (!row) continue;
    row.started = stats.started;
    for (const endpoint of stats.endpoints ?? []) {
      // The "jobs" endpoint's counters are the work queue's (bus/service-job-stats.ts), already in the job columns.
      if (endpoint.name !== "jobs") {
        row.endpointRequests += endpoint.num_requests;
        row.endpointErrors += endpoint.num_errors;
      }
      // The agent's stats handler puts the work-queue counters in each endpoint's data.
      const data = (endpoint.data ?? {}) as JobStatsData;
      row.jobsProcessed = Math.max(row.jobsProcessed, data.jobsProcessed ?? 0);
      row.jobsFailed = Math.max(row.jobsFailed, data.jobsFailed ?? 0);
      row.inFlight = Math.max(row.inFlight, data.inFlight ?? 0);
      row.averageProcessingMs = Math.max(row.averageProcessingMs, data.averageProcessingMs ?? 0);
    }
  }
  return [...rows.values()].sort((left, right) => left.name.localeCompare(right.name) || left.instance.localeCompare(right.instance));
}

async function collectInfo(client: ServiceClient, subjects: Subjects, rows: Map<string, AgentInstanceRow>): Promise<void> {
  for await (const info of await client.info()) {
    const metadata = (info.metadata ?? {}) as Record<string, string>;
    if (metadata.namespace !== subjects.namespace) continue;
    rows.set(info.id, {
      name: info.name,
      instance: metadata.instance ?? info.id,
      serviceId: info.id,
      version: info.version,
      description: info.description,
      subjects: [safeJobSubject(subjects, info.name), ...info.endpoints.map((endpoint) => endpoint.subject)].filter((subject): subject is string => Boolean(subject)),
      jobsProcessed: 0,
      jobsFailed: 0,
      inFlight: 0,
      averageProcessingMs: 0,
      endpointRequests: 0,
      endpointErrors: 0,
    });
  }
}

function safeJobSubject(subjects: Subjects, name: string): string | undefined {
  try {
    return subjects.job(name);
  } catch {
    return undefined;
  }
}

/** What `asp agents` (and the MCP server's list_agents) says when nobody answers, in the words `asp submit` uses for the same case. */
export function noAgentAnswersMessage(natsUrl: string, namespace: string): string {
  return `no agent answers on ${natsUrl} (namespace ${namespace}): is the fleet up? Start one with 'asp up'`;
}

export function formatAgentTable(rows: AgentInstanceRow[]): string {
  const header = ["AGENT", "INSTANCE", "VERSION", "JOBS", "FAILED", "IN FLIGHT", "AVG MS", "DIRECT", "SUBJECTS"];
  const body = rows.map((row) => [
    row.name,
    row.instance,
    row.version,
    String(row.jobsProcessed),
    String(row.jobsFailed + row.endpointErrors),
    String(row.inFlight),
    row.averageProcessingMs.toFixed(0),
    String(row.endpointRequests),
    row.subjects.join(" "),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ");
  const names = new Map<string, number>();
  for (const row of rows) names.set(row.name, (names.get(row.name) ?? 0) + 1);
  const summary = [...names].map(([name, count]) => `${name}×${count}`).join(", ");
  return `${[format(header), ...body.map(format)].join("\n")}\n\n${rows.length} instance(s): ${summary}\n`;
}

export async function agentsCommand(argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: argv, options: { json: { type: "boolean", default: false }, wait: { type: "string", default: "1000" }, help: { type: "boolean", short: "h" } } }).values;
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${agentsUsage}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(agentsUsage);
    return 0;
  }
  const maxWaitMs = Number(values.wait);
  if (!Number.isInteger(maxWaitMs) || maxWaitMs < 50 || maxWaitMs > 60_000) {
    io.stderr.write(`--wait must be a whole number of milliseconds from 50 to 60000 (got ${values.wait})\n`);
    return 2;
  }
  const session = await openBus(env, "asp-agents");
  try {
    const rows = await listAgentInstances(session.connection, session.subjects, { maxWaitMs });
    if (rows.length === 0) {
      io.stderr.write(`asp agents: ${noAgentAnswersMessage(session.natsUrl, session.subjects.namespace)}\n`);
      return 0;
    }
    if (values.json) for (const row of rows) io.stdout.write(`${JSON.stringify(row)}\n`);
    else io.stdout.write(formatAgentTable(rows));
    return 0;
  } finally {
    await session.close();
  }
}
