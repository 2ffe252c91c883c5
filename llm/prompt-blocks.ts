import type { MessageCreateParamsNonStreaming, MessageParam, TextBlockParam } from "@anthropic-ai/sdk/resources/messages";

const ephemeral = { type: "ephemeral" } as const;

/**
 * The system prompt as one cached block. With the shared context cached too, the tenth
 * per-file call reads system + design + manifest from cache instead of paying for them again.
 */
export function systemBlocks(system: string, cache = true): TextBlockParam[] | undefined {
  if (system.trim() === "") return undefined;
  return [{ type: "text", text: system, ...(cache ? { cache_control: ephemeral } : {}) }];
}

/** The first user turn: the shared context (cached) first, the call's own prompt after it. */
export function firstUserMessage(prompt: string, cachedContext: string | undefined, cache = true): MessageParam {
  const content: TextBlockParam[] = [];
  if (cachedContext !== undefined && cachedContext.trim() !== "") {
    content.push({ type: "text", text: cachedContext, ...(cache ? { cache_control: ephemeral } : {}) });
  }
  content.push({ type: "text", text: prompt.trim() === "" ? "(no further instructions)" : prompt });
  return { role: "user", content };
}

/** A rough count (four characters a token) for budget checks before a call is sent. */
export function estimateInputTokens(params: Pick<MessageCreateParamsNonStreaming, "system" | "messages" | "tools">): number {
  const characters = JSON.stringify([params.system ?? "", params.messages, params.tools ?? []]).length;
  return Math.ceil(characters / 4);
}
