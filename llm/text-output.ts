import type { Message, MessageCreateParamsNonStreaming, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { ModelError } from "../errors/asp-error.ts";
import type { LlmCallRecord } from "../schemas/llm-call.ts";
import { assistantTurnOf } from "./assistant-turn.ts";
import { sendWithRetries, type AttemptSenderDeps, type CallScope } from "./attempt-sender.ts";
import { withoutRepeatedOverlap } from "./continuation-overlap.ts";
import { stripWrappingFence } from "./fence.ts";
import { capabilitiesOf, type EffortLevel } from "./model-capabilities.ts";
import { maxTokensFor } from "./output-budget.ts";
import { firstUserMessage, systemBlocks } from "./prompt-blocks.ts";

export interface TextRequest {
  agent: string;
  /** The file this text is for; sent as x-asp-file and kept on every llm.call record. */
  file?: string;
  round?: number;
  system: string;
  prompt: string;
  cachedContext?: string;
  maxTokens?: number;
  /** Follow-up requests allowed after a max_tokens cut (default 4). */
  maxContinuations?: number;
  model?: string;
  runId?: string;
  onCall?: (record: LlmCallRecord) => void | Promise<void>;
}

export interface TextResult {
  text: string;
  calls: LlmCallRecord[];
  continuations: number;
}

export interface TextContext {
  sender: AttemptSenderDeps;
  scope: CallScope;
  model: string;
  /** The output the caller asked for; a model that thinks by default gets `thinkingTokens` on top. */
  maxTokens: number;
  /** Mark the system prompt and shared context for prompt caching (default true). */
  promptCaching?: boolean;
  /** output_config.effort, already checked against the model. */
  effort?: EffortLevel | undefined;
  thinkingTokens?: number;
}

/**
 * Asked of models that refuse a prefill. The seam is then as exact as the model makes it; a repeat of
 * the text's end is removed when stitching (llm/continuation-overlap.ts).
 */
export const continueInstruction =
  "Your previous reply was cut off by the output limit. Continue exactly where it stopped: output only the remaining text, starting with the very next character. Do not repeat anything, do not add commentary, do not open a code fence.";

/**
 * Raw text, never JSON: the reply's bytes are the file's bytes. A max_tokens cut is
 * continued by sending the text so far as the assistant's prefill, or, for a model that
 * rejects prefill, by appending each cut reply as it came (thinking blocks included) and a
 * user turn asking to continue (a repeated overlap at the seam is then removed). The pieces
 * are stitched before one wrapping fence is stripped from the whole.
 */
export async function requestText(context: TextContext, request: TextRequest): Promise<{ text: string; continuations: number }> {
  const prefillAllowed = capabilitiesOf(context.model).assistantPrefill;
  const cache = context.promptCaching ?? true;
  const system = systemBlocks(request.system, cache);
  const first = firstUserMessage(request.prompt, request.cachedContext, cache);
  const maxContinuations = Math.max(0, request.maxContinuations ?? 4);
  const maxTokens = maxTokensFor(context.model, context.maxTokens, context.thinkingTokens ?? 0);
  // The conversation of a model without prefill only grows: earlier turns are never rewritten,
  // since the API checks that nothing before a thinking block changed (docs: preserved-thinking).
  const conversation: MessageParam[] = [first];
  let stitched = "";
  let continuations = 0;

  for (;;) {
    let messages = conversation;
    if (prefillAllowed && continuations > 0) {
      // The API rejects a final assistant turn ending in whitespace; the model writes that whitespace again.
      stitched = stitched.trimEnd();
      messages = stitched !== "" ? [first, { role: "assistant", content: stitched }] : [first];
    }
    const continuedByUserTurn = !prefillAllowed && conversation.length > 1;
    const params: MessageCreateParamsNonStreaming = {
      model: context.model,
      max_tokens: maxTokens,
      ...(system ? { system } : {}),
      messages: [...messages],
      ...(context.effort !== undefined ? { output_config: { effort: context.effort } } : {}),
    };
    const message = await sendWithRetries(context.sender, context.scope, params);
    const piece = textOf(message);
    // A prefill continues the text itself; a model asked in a user turn may first repeat the end of it.
    stitched += continuedByUserTurn ? withoutRepeatedOverlap(stitched, piece) : piece;
    if (message.stop_reason !== "max_tokens") break;
    if (!prefillAllowed && piece !== "") {
      // The cut reply goes back whole and unchanged; a reply cut before any text is simply asked again.
      const turn = assistantTurnOf(message);
      if (turn !== undefined && turn !== "unsigned-thinking") conversation.push(turn, { role: "user", content: continueInstruction });
    }
    if (continuations >= maxContinuations) {
      throw new ModelError(
        `Output for ${describe(request)} was still cut off by max_tokens after ${continuations} continuation(s)`,
        { code: "output_truncated", retryable: false, details: { agent: request.agent, file: request.file, continuations, characters: stitched.length } },
      );
    }
    continuations += 1;
  }

  const text = stripWrappingFence(stitched);
  if (text.trim() === "") {
    throw new ModelError(`The model returned no content for ${describe(request)}`, {
      code: "empty_output",
      retryable: true,
      details: { agent: request.agent, file: request.file },
    });
  }
  return { text, continuations };
}

function textOf(message: Message): string {
  return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
}

function describe(request: TextRequest): string {
  return request.file !== undefined ? `file "${request.file}" (agent "${request.agent}")` : `agent "${request.agent}"`;
}
