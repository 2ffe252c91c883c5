import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ContentBlock, Message } from "@anthropic-ai/sdk/resources/messages";

/** A reply the server sends: the content blocks and stop reason of one Messages API response. */
export interface CannedReply {
  content: ContentBlock[];
  stop_reason: Message["stop_reason"];
}

export interface RecordedRequest {
  /** The body exactly as it arrived, for byte-level checks. */
  raw: string;
  body: { model: string; max_tokens: number; stream?: boolean; messages: Array<{ role: string; content: unknown }>; [field: string]: unknown };
}

export interface RecordingServer extends AsyncDisposable {
  url: string;
  requests: RecordedRequest[];
}

/**
 * A minimal Messages API on loopback for the model layer's tests: it answers each POST /v1/messages
 * with the next canned reply, as JSON or as the SSE stream the SDK reads (thinking and signature
 * deltas included), and keeps every request body as sent. Unlike the simulator it replies with
 * whatever blocks a test needs, thinking and redacted_thinking among them.
 */
export async function startRecordingServer(replies: CannedReply[]): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => void answer(request, response));

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    if (request.method !== "POST" || request.url?.split("?")[0] !== "/v1/messages") {
      response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: "not found" } }));
      return;
    }
    const body = JSON.parse(raw) as RecordedRequest["body"];
    requests.push({ raw, body });
    const reply = replies[requests.length - 1];
    if (!reply) {
      response.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "no canned reply left" } }));
      return;
    }
    const message = messageOf(reply, body.model, requests.length);
    if (body.stream === true) sendStream(response, message);
    else response.writeHead(200, { "content-type": "application/json", "request-id": `req_${requests.length}` }).end(JSON.stringify(message));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function messageOf(reply: CannedReply, model: string, index: number): Message {
  return {
    id: `msg_${index}`,
    type: "message",
    role: "assistant",
    model,
    content: reply.content,
    stop_reason: reply.stop_reason,
    stop_sequence: null,
    usage: { input_tokens: 20, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  } as unknown as Message;
}

/** The reply as the API streams it: each block opened empty, filled by deltas, closed. */
function sendStream(response: ServerResponse, message: Message): void {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (type: string, data: Record<string, unknown>) => response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send("message_start", { message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } } });
  message.content.forEach((block, index) => {
    if (block.type === "thinking") {
      send("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } });
      send("content_block_delta", { index, delta: { type: "thinking_delta", thinking: block.thinking } });
      send("content_block_delta", { index, delta: { type: "signature_delta", signature: block.signature } });
    } else if (block.type === "text") {
      send("content_block_start", { index, content_block: { type: "text", text: "", citations: null } });
      send("content_block_delta", { index, delta: { type: "text_delta", text: block.text } });
    } else if (block.type === "tool_use") {
      send("content_block_start", { index, content_block: { ...block, input: {} } });
      send("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } });
    } else {
      // redacted_thinking arrives whole in its start event.
      send("content_block_start", { index, content_block: block });
    }
    send("content_block_stop", { index });
  });
  send("message_delta", { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: message.usage.output_tokens } });
  send("message_stop", {});
  response.end();
}

/** Blocks as the API returns them, for canned replies. */
export const block = {
  thinking: (thinking: string, signature: string) => ({ type: "thinking" as const, thinking, signature }),
  redacted: (data: string) => ({ type: "redacted_thinking" as const, data }),
  text: (text: string) => ({ type: "text" as const, text, citations: null }),
  toolUse: (id: string, name: string, input: Record<string, unknown>) => ({ type: "tool_use" as const, id, name, input, caller: { type: "direct" as const } }),
};
