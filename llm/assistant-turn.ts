import type { ContentBlock, ContentBlockParam, Message } from "@anthropic-ai/sdk/resources/messages";

/** A reply ready to go back as the assistant turn of the next request, and the text it holds. */
export interface AssistantTurn {
  message: { role: "assistant"; content: ContentBlockParam[] };
  text: string;
}

/**
 * A reply as the assistant turn of the next request: its content blocks exactly as the API sent
 * them, in order. The docs require thinking and redacted_thinking blocks to come back unmodified
 * ("echo the assistant message exactly as received"), and the prefix check invalidates a thinking
 * block when anything before it changed, so nothing is rebuilt or trimmed.
 *
 * Two things cannot go back: a text block that is empty or only whitespace (the API rejects it with
 * "text content blocks must contain non-whitespace text", so it is left out), and a thinking block
 * without its signature, which a reply cut while thinking ends with. Returns undefined when nothing
 * can be sent back (no blocks, only blank text, or an unsigned thinking block): the caller then asks
 * again instead of continuing.
 */
export function assistantTurnOf(message: Pick<Message, "content">): AssistantTurn | undefined {
  if (message.content.some((block) => block.type === "thinking" && block.signature === "")) return undefined;
  const kept = message.content.filter((block) => block.type !== "text" || block.text.trim() !== "");
  if (kept.length === 0) return undefined;
  // Response blocks are valid request blocks field for field (text keeps its citations, tool_use its caller).
  return { message: { role: "assistant", content: kept as unknown as ContentBlockParam[] }, text: textOf(kept) };
}

export function textOf(blocks: ContentBlock[]): string {
  return blocks.map((block) => (block.type === "text" ? block.text : "")).join("");
}
