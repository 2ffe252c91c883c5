import type { IncomingMessage, ServerResponse } from "node:http";
import { apiErrors, errorForFault, type ApiErrorReply } from "./api-errors.ts";
import { headerOf } from "./http-io.ts";
import { buildReply, continuationOf } from "./reply-builder.ts";
import { messageObject, sendStream, sendWhole, type SendContext } from "./reply-sender.ts";
import { continuedOutputOf } from "./continued-output.ts";
import { modelRuleProblem } from "./model-rules.ts";
import { readOutputConfig, schemaProblemsOf } from "./output-config.ts";
import { countInputTokens } from "./prompt-cache.ts";
import { describeIssues, messagesRequestSchema, trailingWhitespaceProblem } from "./request-schema.ts";
import { requestTextOf } from "./request-text.ts";
import type { CallIdentity } from "./scenario-replies.ts";
import type { FaultKind } from "./scenario-schema.ts";
import type { SimulatorState } from "./simulator-state.ts";
import { decideThinking, thinkingTextOf, thinkingTurnProblem } from "./thinking-rules.ts";
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
  /** Sends an API error and records it in the transcript; a 429/529 carries `retryAfterSeconds` when given. */
  fail(error: ApiErrorReply, extra?: Partial<TranscriptEntry>, retryAfterSeconds?: number): void;
  record(entry: Partial<TranscriptEntry>): void;
}

export async function handleMessages(exchange: ExchangeContext): Promise<void> {
  const { state, body } = exchange;
  const parsed = messagesRequestSchema.safeParse(body);
  if (!parsed.success) return exchange.fail(apiErrors.invalidRequest(describeIssues(parsed.error)));
  const request = parsed.data;
  const model = request.model ?? state.scenario.model;
  if (model === undefined) return exchange.fail(apiErrors.invalidRequest("model: Field required"));

  // From here every request is booked to its model and minute, refused ones too.
  state.minuteUsage.arrived(model, exchange.startedAt, countInputTokens(request));
  const fail: ExchangeContext["fail"] = (error, extra, retryAfterSeconds) => {
    state.minuteUsage.rejected(model, exchange.startedAt);
    exchange.fail(error, extra, retryAfterSeconds);
  };
  const refused = modelRuleProblem(request, model);
  if (refused) return fail(apiErrors.invalidRequest(refused));
  const whitespace = trailingWhitespaceProblem(request);
  if (whitespace) return fail(apiErrors.invalidRequest(whitespace));
  const thinking = decideThinking(request, model, state.scenario.thinking);
  if (!thinking.ok) return fail(apiErrors.invalidRequest(thinking.message));
  const output = readOutputConfig(request, model);
  if (!output.ok) return fail(apiErrors.invalidRequest(output.message));
  const turns = thinkingTurnProblem(request, thinking.plan.thinks, state.signer);
  if (turns) return fail(apiErrors.invalidRequest(turns));

  const identityResult = identityOf(exchange.request);
  if (typeof identityResult === "string") return fail(apiErrors.invalidRequest(identityResult));
  const identity = identityResult;
  const where = { runId: identity.runId, agent: identity.agent ?? null, file: identity.file ?? null, streaming: request.stream === true };

  // A continuation hands back the model's own output; it is not information the model was given.
  const continuedFile = identity.file !== undefined ? continuedOutputOf(request) : undefined;
  const skipped = continuedFile === undefined ? undefined : request.messages.length - (continuedFile.by === "prefill" ? 1 : 2);
  const lookup = state.replies.lookup(identity, requestTextOf(request, skipped));
  if (!lookup.ok) return fail(apiErrors.invalidRequest(lookup.message), where);
  const reply = lookup.reply;
  const placed = { ...where, round: reply.kind === "file" ? reply.round : reply.call, ...(reply.condition ? { condition: reply.condition } : {}) };

  const continued = reply.kind === "file" ? continuedOutputOf(request)?.text : undefined;
  const remaining = reply.kind === "file" ? continuationOf(reply.text, continued) : "";
  const nativeFormat = reply.kind === "structured" && output.config.schema !== undefined;
  const fault = state.faults.pick({
    identity,
    replyKind: reply.kind,
    continuation: continued !== undefined,
    replyCharacters: countCharacters(remaining),
    nativeFormat,
  });
  const faultKind = fault?.kind;
  if (faultKind) state.countFault(faultKind);

  const streaming = request.stream === true;
  const httpError = faultKind ? errorForFault(faultKind, streaming) : undefined;
  if (httpError) return fail(httpError, { ...placed, fault: faultKind ?? null }, fault?.retryAfterSeconds);

  const messageId = state.newId("msg");
  const subject = reply.kind === "file" ? `the file ${reply.file}` : `the ${reply.agent} result`;
  const planned = buildReply({
    request,
    reply,
    // The picker only returns faults that apply to this request.
    fault: faultKind && contentFaults.has(faultKind) ? faultKind : undefined,
    continued,
    random: state.faults.randomFor(identity),
    newToolUseId: () => state.newId("toolu"),
    nativeFormat,
    thinking: thinking.plan.thinks
      ? {
          text: thinkingTextOf(subject, state.scenario.thinkingTokens),
          display: thinking.plan.display,
          sign: (text) => state.signer.sign(text, messageId),
        }
      : undefined,
  });
  const schemaProblems = nativeFormat && reply.kind === "structured" ? schemaProblemsOf(output.config.schema!, reply.input) : [];
  const usage = { ...state.cache.usage(request, model, state.scenario.cache.minTokens, { write: true }), output_tokens: planned.outputTokens };
  state.minuteUsage.produced(model, exchange.startedAt, planned.outputTokens);

  const disconnect = clientDisconnectSignal(exchange.response);
  const context: SendContext = {
    response: exchange.response,
    clock: state.clock,
    latency: state.latency,
    extraDelayMs: faultKind === "slow" ? state.scenario.faults.slowMs : 0,
    messageId,
    requestId: exchange.requestId,
    model,
    usage,
    // A reply stops waiting as soon as the caller hangs up or the server closes.
    signal: AbortSignal.any([state.closing.signal, disconnect]),
    progress: { firstTokenSent: false },
  };
  const broken = faultKind === "stream_error";
  const delivered = streaming
    ? await sendStream(planned, context, broken ? deltasBeforeStreamError : undefined)
    : await sendWhole(planned, context);

  if (delivered && planned.complete && !broken) state.replies.advance(reply);
  const error = !delivered
    ? {
        type: "client_disconnected",
        message: context.progress.firstTokenSent
          ? "the caller closed the connection before the reply was complete"
          : "the caller closed the connection while the reply waited for its first token",
      }
    : broken
      ? { type: "overloaded_error", message: "stream broken after a few deltas (simulated)" }
      : undefined;
  exchange.record({
    ...placed,
    fault: faultKind ?? null,
    status: 200,
    response: messageObject(planned, context),
    ...(error ? { error } : {}),
    ...(thinking.plan.thinks ? { thinking: true } : {}),
    ...(schemaProblems.length > 0 ? { schemaProblems } : {}),
    usage,
  });
}

/** Aborts when the caller closes the connection before the response is finished. */
function clientDisconnectSignal(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once("close", () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
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
