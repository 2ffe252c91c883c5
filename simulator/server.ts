import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pino, type Logger } from "pino";
import { apiErrors, errorBody, type ApiErrorReply } from "./api-errors.ts";
import { systemClock, type SimulatorClock } from "./clock.ts";
import { apiKeyOf, BodyTooLargeError, readBody, sendApiError, sendJson } from "./http-io.ts";
import { parseScenario, resolveScenario } from "./load-scenario.ts";
import { handleMessages, type ExchangeContext } from "./messages-handler.ts";
import { countInputTokens } from "./prompt-cache.ts";
import { countTokensRequestSchema, describeIssues } from "./request-schema.ts";
import type { LatencyModel, Scenario, ScenarioInput } from "./scenario-schema.ts";
import { MinuteUsageCounter, type MinuteUsage } from "./minute-usage.ts";
import { SimulatorState } from "./simulator-state.ts";
import { ThinkingSigner } from "./thinking-signature.ts";
import { TranscriptRecorder, type TranscriptEntry } from "./transcript.ts";

export interface ModelSimulatorOptions {
  /** A scenario object, or the path of a .yaml/.yml/.json scenario file. */
  scenario: ScenarioInput | string;
  /** 0 or undefined picks a free port. */
  port?: number;
  host?: string;
  /** JSONL file every exchange is appended to. */
  transcriptPath?: string;
  /** Overrides scenario.faults.seed. */
  seed?: number;
  /** Overrides scenario.latency. */
  latency?: Partial<LatencyModel>;
  /** When set, requests without this key get 401 authentication_error. */
  requireApiKey?: string;
  logger?: Logger;
  /** Time source; tests may pass their own. */
  clock?: SimulatorClock;
  /**
   * Key of the thinking-block signatures. Default: random per server, so a block is only valid on
   * the server that made it; pass one to keep blocks valid across a restart.
   */
  thinkingSecret?: string;
  /**
   * Length of the windows `stats().perMinute` counts in (default 60000, a minute as the API counts). A test of a
   * limiter with a shorter window (ASP_LLM_RATE_WINDOW_MS) sets the same length, so the server's own counts are
   * what the limit is checked against.
   */
  usageWindowMs?: number;
}

export interface ModelSimulatorStats {
  requests: number;
  faults: Record<string, number>;
  /** Requests and tokens per model and clock minute, or usage window (minute-usage.ts), oldest first. */
  perMinute: MinuteUsage[];
}

/** Not an API path: the simulator's own stats as JSON, for a test that runs the simulator in another process. */
export const statsPath = "/_simulator/stats";

export interface ModelSimulator {
  /** Base URL for the SDK's baseURL or ANTHROPIC_BASE_URL. */
  url: string;
  port: number;
  transcript(): TranscriptEntry[];
  stats(): ModelSimulatorStats;
  /** True when a thinking block (its text and signature as returned) was signed by this server. */
  verifyThinking(thinking: string, signature: string): boolean;
  setScenario(scenario: Scenario | ScenarioInput): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a local server that speaks the Anthropic Messages API, answering from a scenario. */
export async function startModelSimulator(options: ModelSimulatorOptions): Promise<ModelSimulator> {
  // Checked before anything starts: a bad window is the caller's mistake, not a reason to half-start a server.
  const minuteUsage = new MinuteUsageCounter(options.usageWindowMs);
  const scenario = await resolveScenario(options.scenario);
  const logger = options.logger ?? pino({ level: "silent" });
  const transcript = new TranscriptRecorder(options.transcriptPath, (error) =>
    logger.error({ err: error, path: options.transcriptPath }, "cannot append to the simulator transcript"),
  );
  const state = new SimulatorState(
    scenario,
    { seed: options.seed, latency: options.latency },
    options.clock ?? systemClock,
    logger,
    transcript,
    options.requireApiKey,
    options.thinkingSecret === undefined ? undefined : new ThinkingSigner(Buffer.from(options.thinkingSecret, "utf8")),
    minuteUsage,
  );

  const server = createServer((request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      logger.error({ err: error }, "simulator request failed");
      if (!response.headersSent) sendJson(response, 500, errorBody(apiErrors.internal()), {});
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, scenario: scenario.name }, "model simulator listening");

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      state.closing.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Streams in flight and idle keep-alive sockets would hold close() open.
        server.closeAllConnections();
      });
      await transcript.flush();
    })();
    return closing;
  };

  return {
    url,
    port: address.port,
    transcript: () => transcript.entries(),
    stats: () => statsOf(state),
    verifyThinking: (thinking, signature) => state.signer.verify(thinking, signature),
    setScenario: (next) => state.setScenario(parseScenario(next)),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function statsOf(state: SimulatorState): ModelSimulatorStats {
  return { requests: state.requests, faults: { ...state.faultCounts }, perMinute: state.minuteUsage.entries() };
}

async function handle(state: SimulatorState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method === "GET" && request.url === statsPath) {
    request.resume();
    return sendJson(response, 200, statsOf(state), {});
  }
  const requestId = state.newId("req");
  const startedAt = state.clock.now();
  const path = (request.url ?? "/").split("?")[0] ?? "/";
  state.requests += 1;
  let body: unknown = null;

  const record = (entry: Partial<TranscriptEntry>) =>
    state.transcript.record({
      time: new Date(startedAt).toISOString(),
      requestId,
      path,
      runId: "default",
      agent: null,
      file: null,
      round: null,
      fault: null,
      streaming: false,
      status: 200,
      request: body,
      usage: null,
      ...entry,
      latencyMs: state.clock.now() - startedAt,
    });
  const fail = (error: ApiErrorReply, extra: Partial<TranscriptEntry> = {}, retryAfterSeconds?: number) => {
    sendApiError(response, error, requestId, retryAfterSeconds ?? state.scenario.faults.retryAfterSeconds);
    record({ ...extra, status: error.status, error: { type: error.type, message: error.message } });
  };

  const isMessages = path === "/v1/messages";
  const isCountTokens = path === "/v1/messages/count_tokens";
  if (request.method !== "POST" || (!isMessages && !isCountTokens)) {
    request.resume();
    return fail(apiErrors.notFound(`${request.method ?? "?"} ${path}`));
  }
  let text: string;
  try {
    text = await readBody(request);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return fail(apiErrors.requestTooLarge());
    // The caller hung up while still sending its request.
    if (request.destroyed || response.destroyed) {
      return record({ error: { type: "client_disconnected", message: "the caller closed the connection before its request was complete" } });
    }
    throw error;
  }
  if (state.requireApiKey !== undefined && apiKeyOf(request) !== state.requireApiKey) {
    return fail(apiErrors.authentication());
  }
  try {
    body = JSON.parse(text);
  } catch (error) {
    return fail(apiErrors.invalidRequest(`request body is not valid JSON: ${(error as Error).message}`));
  }

  if (isCountTokens) {
    const parsed = countTokensRequestSchema.safeParse(body);
    if (!parsed.success) return fail(apiErrors.invalidRequest(describeIssues(parsed.error)));
    const result = { input_tokens: countInputTokens(parsed.data) };
    sendJson(response, 200, result, { "request-id": requestId });
    return record({ response: result });
  }
  const exchange: ExchangeContext = { state, request, response, requestId, startedAt, body, fail, record };
  await handleMessages(exchange);
}
