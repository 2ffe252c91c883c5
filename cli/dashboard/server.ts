import { readFile } from "node:fs/promises";
import type { InvalidEventReporter } from "../../schemas/events/index.ts";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { NatsConnection } from "nats";
import type { Subjects } from "../../bus/subjects.ts";
import { listAgentInstances } from "../agents-command.ts";
import { decideGate, type GateDecision } from "../gate-decision.ts";
import { computeTrends, loadRunHistory } from "../watch/run-history.ts";
import { followLiveRuns } from "./live-runs.ts";

export interface DashboardOptions {
  connection: NatsConnection;
  subjects: Subjects;
  port?: number;
  host?: string;
  /** How long an agents listing waits for $SRV replies. */
  agentsWaitMs?: number;
  /** Replaced in tests; the real one sends a core NATS request the orchestrator answers. */
  decide?: typeof decideGate;
  /** Told of each stored event that fails its catalogue schema (skipped, counted in the run's view). */
  onInvalidEvent?: InvalidEventReporter;
}

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

const pageUrl = new URL("./page.html", import.meta.url);
const maximumBodyBytes = 16 * 1024;

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maximumBodyBytes) throw new Error("request body is too large");
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("request body must be a JSON object");
  return parsed as Record<string, unknown>;
}

/** The dashboard: one static page, JSON endpoints, an SSE feed of run views and the gate buttons' endpoint. */
export async function startDashboardServer(options: DashboardOptions): Promise<DashboardServer> {
  const { connection, subjects } = options;
  const decide = options.decide ?? decideGate;
  const live = await followLiveRuns(connection, subjects, options.onInvalidEvent);
  await Promise.race([live.caughtUp, new Promise((resolve) => setTimeout(resolve, 5000))]);
  const page = await readFile(pageUrl, "utf8");
  const streams = new Set<ServerResponse>();

  const routes = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://dashboard");
    const gateMatch = url.pathname.match(/^\/api\/runs\/([A-Za-z0-9_-]+)\/gates\/([A-Za-z0-9_-]+)\/(approve|reject)$/);
    if (request.method === "GET" && (url.pathname === "/" || url.pathname === "/index.html")) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      response.end(page);
    } else if (request.method === "GET" && url.pathname === "/api/live") {
      sendJson(response, 200, live.current());
    } else if (request.method === "GET" && url.pathname === "/api/runs") {
      const entries = await loadRunHistory(connection, subjects);
      sendJson(response, 200, entries.map(({ view: _view, state: _state, postmortem: _postmortem, ...entry }) => entry));
    } else if (request.method === "GET" && url.pathname === "/api/history") {
      sendJson(response, 200, computeTrends(await loadRunHistory(connection, subjects)));
    } else if (request.method === "GET" && url.pathname === "/api/agents") {
      sendJson(response, 200, await listAgentInstances(connection, subjects, { maxWaitMs: options.agentsWaitMs ?? 500 }));
    } else if (request.method === "GET" && url.pathname === "/api/events") {
      openEventStream(response);
    } else if (request.method === "POST" && gateMatch) {
      const [, runId, gate, decision] = gateMatch as unknown as [string, string, string, GateDecision];
      let body;
      try {
        body = await readJsonBody(request);
      } catch (error) {
        return sendJson(response, 400, { error: (error as Error).message });
      }
      const note = typeof body.note === "string" ? body.note.slice(0, 2000) : "";
      try {
        const reply = await decide(connection, subjects, runId, gate, decision, note, { decidedBy: "dashboard" });
        sendJson(response, reply.ok ? 200 : 409, reply);
      } catch (error) {
        sendJson(response, 502, { ok: false, error: (error as Error).message });
      }
    } else {
      sendJson(response, 404, { error: `no route for ${request.method} ${url.pathname}` });
    }
  };

  function openEventStream(response: ServerResponse): void {
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    // The snapshot first, then one message per change: a page opened mid-run starts complete.
    response.write(`event: snapshot\ndata: ${JSON.stringify(live.current())}\n\n`);
    const unsubscribe = live.subscribe((run, event) => {
      response.write(`event: run\ndata: ${JSON.stringify({ run, event: { type: event.type, time: event.time, agent: event.agent } })}\n\n`);
    });
    streams.add(response);
    response.on("close", () => {
      unsubscribe();
      streams.delete(response);
    });
  }

  const server = createServer((request, response) => {
    routes(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: (error as Error).message });
      else response.end();
    });
  });
  // Proxies close quiet streams; a comment line every 15 s keeps them open.
  const keepAlive = setInterval(() => {
    for (const stream of streams) stream.write(": keep-alive\n\n");
  }, 15_000);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address.includes(":") ? `[${address.address}]` : address.address}:${address.port}`,
    async close() {
      clearInterval(keepAlive);
      for (const stream of streams) stream.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await live.stop();
    },
  };
}
