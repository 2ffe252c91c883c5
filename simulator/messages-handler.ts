import type { IncomingMessage, ServerResponse } from "node:http";
import { apiErrors, errorForFault, type ApiErrorReply } from "./api-errors.ts";
import { headerOf } from "./http-io.ts";
import { buildReply, continuationOf } from "./reply-builder.ts";
import { messageObject, sendStream, sendWhole, type SendContext } from "./reply-sender.ts";
import { continuedOutputOf } from "./continued-output.ts";
import { modelRuleProblem } from "./model-rules.ts";
import { describeIssues, messagesRequestSchema, trailingWhitespaceProblem } from "./request-schema.ts";
import type { CallIdentity } from "./scenario-replies.ts";
import type { FaultKind } from "./scenario-schema.ts";
import type { SimulatorState } from "./simulator-state.ts";
import { countCharacters } from "./token-count.ts";
import type { TranscriptEntry } from "./transcript.ts";

/** Faults that still answer 200 but change what the reply holds. */
const contentFaults = new Set<FaultKind>(["invalid_tool_input", "json_in_prose", "fenced_file", "truncated"]);

/** Deltas a broken stream delivers before its error event. */
const deltasBeforeStreamError = 2;

export interface ExchangeContext {
  state: SimulatorState;
  request: IncomingMessage;
  response: ServerResponse;
  requestId: string;
  startedAt: number;
  body: unknown;
  /** Sends an API error and records it in the transcript. */
  fail(error: ApiErrorReply, extra?: Partial<TranscriptEntry>): void;
  record(entry: Partial<TranscriptEntry>): void;
}

export async function handleMessages(exchange: ExchangeContext): Promise<void> {
  const { state, body } = exchange;
  const parsed = messagesRequestSchema.safeParse(body);
  if (!parsed.success) return exchange.fail(apiErrors.invalidRequest(describeIssues(parsed.error)));
  const request = parsed.data;
  const model = request.model ?? state.scenario.model;
  if (model === undefined) return exchange.fail(apiErrors.invalidRequest("model: Field required"));
  const refused = modelRuleProblem(request, model);
  if (refused) return exchange.fail(apiErrors.invalidRequest(refused));
  const whitespace = trailingWhitespaceProblem(request);
  if (whitespace) return exchange.fail(apiErrors.invalidRequest(whitespace));

  const identityResult = identityOf(exchange.request);
  if (typeof identityResult === "string") return exchange.fail(apiErrors.invalidRequest(identityResult));
  const identity = identityResult;
  const where = { runId: identity.runId, agent: identity.agent ?? null, file: identity.file ?? null, streaming: request.stream === true };

  const lookup = state.replies.lookup(identity);
  if (!lookup.ok) return exchange.fail(apiErrors.invalidRequest(lookup.message), where);
  const reply = lookup.reply;
  const placed = { ...where, round: reply.kind === "file" ? reply.round : reply.call };

  const continued = reply.kind === "file" ? continuedOutputOf(request)?.text : undefined;
  const remaining = reply.kind === "file" ? continuationOf(reply.text, continued) : "";
  const fault = state.faults.pick({
    identity,
    replyKind: reply.kind,
    continuation: continued !== undefined,
    replyCharacters: countCharacters(remaining),
  });
  if (fault) state.countFault(fault);

  const streaming = request.stream === true;
  const httpError = fault ? errorForFault(fault, streaming) : undefined;
  if (httpError) return exchange.fail(httpError, { ...placed, fault: fault ?? null });

  const planned = buildReply({
    request,
    reply,
    // The picker only returns faults that apply to this request.
    fault: fault && contentFaults.has(fault) ? fault : undefined,
    continued,
    random: state.faults.randomFor(identity),
    newToolUseId: () => state.newId("toolu"),
  });
  const usage = { ...state.cache.usage(request, model, state.scenario.cache.minTokens, { write: true }), output_tokens: planned.outputTokens };
  const context: SendContext = {
    response: exchange.response,
    clock: state.clock,
    latency: state.latency,
    extraDelayMs: fault === "slow" ? state.scenario.faults.slowMs : 0,
    messageId: state.newId("msg"),
    requestId: exchange.requestId,
    model,
    usage,
    signal: state.closing.signal,
  };
  const broken = fault === "stream_error";
  const delivered = streaming
    ? await sendStream(planned, context, broken ? deltasBeforeStreamError : undefined)
    : await sendWhole(planned, context);

  if (delivered && planned.complete && !broken) state.replies.advance(reply);
  const error = !delivered
    ? { type: "client_disconnected", message: "the caller closed the connection before the reply was complete" }
    : broken
      ? { type: "overloaded_error", message: "stream broken after a few deltas (simulated)" }
      : undefined;
  exchange.record({
    ...placed,
    fault: fault ?? null,
    status: 200,
    response: messageObject(planned, context),
    ...(error ? { error } : {}),
    usage,
  });
}

function identityOf(request: IncomingMessage): CallIdentity | string {
  const roundHeader = headerOf(request, "x-asp-round");
  let round: number | undefined;
  if (roundHeader !== undefined) {
    round = Number(roundHeader);
    if (!Number.isInteger(round) || round < 1) return `x-asp-round must be a positive integer (got "${roundHeader}")`;
  }
  return {
    runId: headerOf(request, "x-asp-run") ?? "default",
    agent: headerOf(request, "x-asp-agent"),
    file: headerOf(request, "x-asp-file"),
    round,
  };
}
