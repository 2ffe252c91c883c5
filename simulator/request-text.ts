import type { ContentBlock, MessagesRequest } from "./request-schema.ts";

/**
 * "The request" a conditional reply reads (PLAN.md contract 1): the system prompt, then every
 * message's text, tool_use inputs as JSON and tool_result contents, one per line. Thinking blocks
 * are left out: they are the model's own notes, not information given to it. `skipMessage` leaves
 * out one message (the output a continuation request hands back), so a continued reply is judged
 * by the same text as its first part.
 */
export function requestTextOf(request: Pick<MessagesRequest, "system" | "messages">, skipMessage?: number): string {
  const parts: string[] = [];
  if (typeof request.system === "string") parts.push(request.system);
  else for (const block of request.system ?? []) pushBlock(parts, block);
  for (const [index, message] of request.messages.entries()) {
    if (index === skipMessage) continue;
    if (typeof message.content === "string") parts.push(message.content);
    else for (const block of message.content) pushBlock(parts, block);
  }
  return parts.join("\n");
}

function pushBlock(parts: string[], block: ContentBlock): void {
  switch (block.type) {
    case "text":
      if (typeof block["text"] === "string") parts.push(block["text"]);
      return;
    case "tool_use":
      parts.push(JSON.stringify(block["input"] ?? {}));
      return;
    case "tool_result": {
      const content = block["content"];
      if (typeof content === "string") parts.push(content);
      else if (Array.isArray(content)) for (const inner of content as ContentBlock[]) pushBlock(parts, inner);
      return;
    }
    default:
      return;
  }
}
