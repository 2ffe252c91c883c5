import type { MessageCreateParamsNonStreaming, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { ModelError } from "../errors/asp-error.ts";
import type { LlmCallRecord } from "../schemas/llm-call.ts";
import { assistantTurnOf, textOf } from "./assistant-turn.ts";
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
  /** An empty reply is the answer (an `__init__.py` marker), not a failure to retry (decision 1102). */
  allowEmpty?: boolean;
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
/** A reply that left nothing to continue from is asked again with more room, up to this multiple of the first limit. */
const maximumTokenGrowth = 4;

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
  // The conversation of a model without prefill only grows: earlier turns are never rewritten,
  // since the API checks that nothing before a thinking block changed (docs: preserved-thinking).
  const conversation: MessageParam[] = [first];
  let outputTokens = context.maxTokens;
  let stitched = "";
  let continuations = 0;

  for (;;) {
    let messages = conversation;
    if (prefillAllowed && continuations > 0) {
      // The API rejects a final assistant turn ending in whitespace; the model writes that whitespace again.
      stitched = stitched.trimEnd();
      messages = stitched !== "" ? [first, { role: "assistant", content: stitched }] : [first];
    }
    // A model asked in a user turn may first repeat the end of what it wrote; a prefill continues the text itself.
    const stitch = (piece: string) => (!prefillAllowed && conversation.length > 1 ? withoutRepeatedOverlap(stitched, piece) : piece);
    const params: MessageCreateParamsNonStreaming = {
      model: context.model,
      max_tokens: maxTokensFor(context.model, outputTokens, context.thinkingTokens ?? 0),
      ...(system ? { system } : {}),
      messages: [...messages],
      ...(context.effort !== undefined ? { output_config: { effort: context.effort } } : {}),
    };
    const message = await sendWithRetries(context.sender, context.scope, params);
    if (message.stop_reason !== "max_tokens") {
      stitched += stitch(textOf(message.content));
      break;
    }
    if (prefillAllowed) {
      stitched += textOf(message.content);
    } else {
      // The cut reply goes back whole and unchanged, and the text it holds is the text so far.
      const turn = assistantTurnOf(message);
      if (turn !== undefined && turn.text.trim() !== "") {
        stitched += stitch(turn.text);
        conversation.push(turn.message, { role: "user", content: continueInstruction });
      } else {
        // Nothing to continue from (cut while thinking, or only whitespace, which cannot be sent back):
        // the same conversation is asked again with more room, and the model writes that part again.
        outputTokens = Math.min(outputTokens * 2, context.maxTokens * maximumTokenGrowth);
      }
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
  if (text.trim() === "" && !request.allowEmpty) {
    throw new ModelError(`The model returned no content for ${describe(request)}`, {
      code: "empty_output",
      retryable: true,
      details: { agent: request.agent, file: request.file },
    });
  }
  return { text, continuations };
}

function describe(request: TextRequest): string {
  return request.file !== undefined ? `file "${request.file}" (agent "${request.agent}")` : `agent "${request.agent}"`;
}
