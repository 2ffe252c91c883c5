import type { ServerResponse } from "node:http";
import { apiErrors, errorBody } from "./api-errors.ts";
import type { SimulatorClock } from "./clock.ts";
import type { InputUsage } from "./prompt-cache.ts";
import type { PlannedBlock, PlannedReply } from "./reply-builder.ts";
import type { LatencyModel } from "./scenario-schema.ts";
import { sendJson } from "./http-io.ts";

export interface Usage extends InputUsage {
  output_tokens: number;
}

export interface SendContext {
  response: ServerResponse;
  clock: SimulatorClock;
  latency: LatencyModel;
  /** Added before the first token (the `slow` fault). */
  extraDelayMs: number;
  messageId: string;
  requestId: string;
  model: string;
  usage: Usage;
  /** Aborted when the server closes or the caller hangs up: pending waits end at once. */
  signal: AbortSignal;
  /** Set once the first byte of the reply's content went out, so a hang-up can say when it happened. */
  progress: { firstTokenSent: boolean };
}

/** The final message as the non-streaming API returns it (also what the transcript records). */
export function messageObject(reply: PlannedReply, context: Pick<SendContext, "messageId" | "model" | "usage">) {
  return {
    id: context.messageId,
    type: "message",
    role: "assistant",
    model: context.model,
    content: reply.blocks.map(contentBlock),
    stop_reason: reply.stopReason,
    stop_sequence: null,
    usage: { ...context.usage, service_tier: "standard" },
  };
}

function contentBlock(block: PlannedBlock) {
  if (block.type === "thinking") return { type: "thinking", thinking: block.thinking, signature: block.signature };
  if (block.type === "text") return { type: "text", text: block.text };
  return { type: "tool_use", id: block.id, name: block.name, input: block.input };
}

/** Resolves false when the caller hung up before the reply was delivered. */
export async function sendWhole(reply: PlannedReply, context: SendContext): Promise<boolean> {
  await context.clock.sleep(context.extraDelayMs + context.latency.timeToFirstTokenMs + generationMs(reply, context.latency), context.signal);
  if (hungUp(context)) return false;
  context.progress.firstTokenSent = true;
  sendJson(context.response, 200, messageObject(reply, context), { "request-id": context.requestId });
  return true;
}

/** About four tokens a delta, as the API streams. */
const deltaCharacters = 16;

/**
 * Streams the reply as the API's server-sent events; with `breakAfterDeltas` the stream stops
 * after that many deltas with an `error` event (the stream_error fault), as an overloaded API does.
 */
export async function sendStream(reply: PlannedReply, context: SendContext, breakAfterDeltas?: number): Promise<boolean> {
  const { response, clock } = context;
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "request-id": context.requestId,
  });
  const send = (event: string, data: unknown) => {
    if (!response.destroyed && !response.writableEnded) response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const start = { ...messageObject(reply, context), content: [], stop_reason: null, usage: { ...context.usage, output_tokens: 1 } };
  await clock.sleep(context.extraDelayMs + context.latency.timeToFirstTokenMs, context.signal);
  if (hungUp(context)) return endHungUp(response);
  context.progress.firstTokenSent = true;
  send("message_start", { type: "message_start", message: start });

  const chunksByBlock = reply.blocks.map((block) => chunk(streamedText(block)));
  const totalChunks = chunksByBlock.reduce((sum, chunks) => sum + chunks.length, 0);
  const intervalMs = totalChunks === 0 ? 0 : generationMs(reply, context.latency) / totalChunks;
  const generationStart = clock.now();
  let sent = 0;
  for (const [index, block] of reply.blocks.entries()) {
    const opening = openingOf(block);
    send("content_block_start", { type: "content_block_start", index, content_block: opening });
    if (index === 0) send("ping", { type: "ping" });
    for (const piece of chunksByBlock[index] ?? []) {
      if (hungUp(context)) return false;
      if (breakAfterDeltas !== undefined && sent >= breakAfterDeltas) return breakStream(send, response);
      // Paced against the clock, not per delta: timers are too coarse for thousands of tiny waits.
      const waitMs = generationStart + (sent + 1) * intervalMs - clock.now();
      if (waitMs >= 1) await clock.sleep(waitMs, context.signal);
      const delta = deltaOf(block, piece);
      send("content_block_delta", { type: "content_block_delta", index, delta });
      sent += 1;
    }
    if (breakAfterDeltas !== undefined) return breakStream(send, response);
    // The API sends a thinking block's signature last, just before the block stops.
    if (block.type === "thinking") send("content_block_delta", { type: "content_block_delta", index, delta: { type: "signature_delta", signature: block.signature } });
    send("content_block_stop", { type: "content_block_stop", index });
  }
  send("message_delta", {
    type: "message_delta",
    delta: { stop_reason: reply.stopReason, stop_sequence: null },
    usage: context.usage,
  });
  send("message_stop", { type: "message_stop" });
  const delivered = !hungUp(context);
  response.end();
  return delivered;
}

function streamedText(block: PlannedBlock): string {
  if (block.type === "thinking") return block.thinking;
  return block.type === "text" ? block.text : block.json;
}

function openingOf(block: PlannedBlock) {
  if (block.type === "thinking") return { type: "thinking", thinking: "", signature: "" };
  if (block.type === "text") return { type: "text", text: "" };
  return { type: "tool_use", id: block.id, name: block.name, input: {} };
}

function deltaOf(block: PlannedBlock, piece: string) {
  if (block.type === "thinking") return { type: "thinking_delta", thinking: piece };
  if (block.type === "text") return { type: "text_delta", text: piece };
  return { type: "input_json_delta", partial_json: piece };
}

/** The caller left, or the server is closing (its sockets are being destroyed). */
function hungUp(context: SendContext): boolean {
  return context.response.destroyed || context.signal.aborted;
}

function endHungUp(response: ServerResponse): boolean {
  response.end();
  return false;
}

function breakStream(send: (event: string, data: unknown) => void, response: ServerResponse): boolean {
  send("error", errorBody(apiErrors.overloaded()));
  const delivered = !response.destroyed;
  response.end();
  return delivered;
}

function generationMs(reply: PlannedReply, latency: LatencyModel): number {
  return latency.tokensPerSecond > 0 ? (reply.outputTokens / latency.tokensPerSecond) * 1000 : 0;
}

/** Splits on code points so no delta carries half a surrogate pair. */
function chunk(text: string): string[] {
  const points = Array.from(text);
  const chunks: string[] = [];
  for (let index = 0; index < points.length; index += deltaCharacters) chunks.push(points.slice(index, index + deltaCharacters).join(""));
  return chunks;
}
