import type { ContentBlockParam, Message, MessageParam } from "@anthropic-ai/sdk/resources/messages";

/**
 * A reply as the assistant turn of the next request: every content block exactly as the API sent
 * it, in order. The docs require thinking and redacted_thinking blocks to come back unmodified
 * ("echo the assistant message exactly as received"), and the prefix check invalidates a thinking
 * block when anything before it changed, so nothing is rebuilt, trimmed or dropped.
 *
 * Returns undefined when the reply holds nothing to send back (no blocks, or only blank text, which
 * the API refuses as a message), and "unsigned-thinking" when it was cut while thinking: a thinking
 * block without its signature cannot be sent back at all.
 */
export function assistantTurnOf(message: Pick<Message, "content">): MessageParam | "unsigned-thinking" | undefined {
  const blocks = message.content;
  if (blocks.some((block) => block.type === "thinking" && block.signature === "")) return "unsigned-thinking";
  if (blocks.every((block) => block.type === "text" && block.text.trim() === "")) return undefined;
  // Response blocks are valid request blocks field for field (text keeps its citations, tool_use its caller).
  return { role: "assistant", content: blocks as unknown as ContentBlockParam[] };
}
