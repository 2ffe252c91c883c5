import { capabilitiesOf } from "../llm/model-capabilities.ts";
import type { MessagesRequest } from "./request-schema.ts";
import type { ThinkingSigner } from "./thinking-signature.ts";

/** Whether a reply carries a thinking block, and whether its text is shown. */
export interface ThinkingPlan {
  thinks: boolean;
  /** `omitted`: the block's text is empty and only the signature comes back (thinking.display). */
  display: "summarized" | "omitted";
}

export type ThinkingDecision = { ok: true; plan: ThinkingPlan } | { ok: false; message: string };

const documentation = "https://docs.claude.com/en/docs/build-with-claude/extended-thinking";
const knownTypes = ["enabled", "disabled", "adaptive", "between_tools"];

/**
 * Reads the request's `thinking` field against what the model takes (llm/model-capabilities.ts).
 * Without the field a model thinks by its own default, or as the scenario's `thinking` says. The
 * messages are the API's where the docs or observed replies give them; see docs/scenarios.md.
 */
export function decideThinking(request: MessagesRequest, model: string, scenarioThinking: boolean | undefined): ThinkingDecision {
  const capabilities = capabilitiesOf(model);
  const field = request["thinking"];
  if (field === undefined || field === null) {
    return { ok: true, plan: { thinks: scenarioThinking ?? capabilities.thinkingByDefault, display: "summarized" } };
  }
  if (typeof field !== "object" || Array.isArray(field)) return refuse("thinking: Input should be a valid dictionary or object");
  const config = field as Record<string, unknown>;
  const type = config["type"];
  if (typeof type !== "string" || !knownTypes.includes(type)) {
    return refuse(
      `thinking: Input tag '${String(type)}' found using 'type' does not match any of the expected tags: ${knownTypes.map((known) => `'${known}'`).join(", ")}`,
    );
  }
  const display = config["display"] === "omitted" ? "omitted" : "summarized";
  if (config["display"] !== undefined && config["display"] !== null && config["display"] !== "omitted" && config["display"] !== "summarized") {
    return refuse("thinking.display: Input should be 'summarized' or 'omitted'");
  }
  switch (type) {
    case "disabled":
    case "between_tools":
      // between_tools thinks only between tool calls, and a simulated reply is a single call.
      return { ok: true, plan: { thinks: false, display } };
    case "adaptive":
      if (capabilities.thinking === "none") return refuse(`thinking: ${model} does not support thinking`);
      if (capabilities.thinking === "enabled") {
        return refuse(`"thinking.type.adaptive" is not supported for this model. Use "thinking.type.enabled" with "thinking.budget_tokens" to control thinking behavior.`);
      }
      return { ok: true, plan: { thinks: true, display } };
    default: {
      if (capabilities.thinking === "none") return refuse(`thinking: ${model} does not support thinking`);
      if (!capabilities.manualThinking) {
        return refuse(`"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.`);
      }
      const budget = config["budget_tokens"];
      if (budget === undefined) return refuse("thinking.enabled.budget_tokens: Field required");
      if (typeof budget !== "number" || !Number.isInteger(budget)) return refuse("thinking.enabled.budget_tokens: Input should be a valid integer");
      if (budget < 1024) return refuse("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
      // Docs (thinking in tool workflows): manual thinking takes only auto or none; adaptive thinking may be forced.
      const choice = request.tool_choice?.type;
      if (choice === "tool" || choice === "any") return refuse("Thinking may not be enabled when tool_choice forces tool use.");
      if (request.max_tokens <= budget) {
        return refuse(`\`max_tokens\` must be greater than \`thinking.budget_tokens\`. Please consult our documentation at ${documentation}#max-tokens-and-context-window-size`);
      }
      return { ok: true, plan: { thinks: true, display } };
    }
  }
}

function refuse(message: string): ThinkingDecision {
  return { ok: false, message };
}

/**
 * The API's checks on the assistant turns a request sends back. Every thinking block must be
 * unchanged (its signature still verifies). When the request thinks, the last assistant turn, if it
 * called a tool, must still start with its thinking block: a tool_result re-ask that rebuilt the
 * turn from its tool_use alone gets the API's 400.
 */
export function thinkingTurnProblem(request: Pick<MessagesRequest, "messages">, thinks: boolean, signer: ThinkingSigner): string | undefined {
  let lastAssistant = -1;
  for (const [index, message] of request.messages.entries()) {
    if (message.role !== "assistant") continue;
    lastAssistant = index;
    if (typeof message.content === "string") continue;
    for (const [position, block] of message.content.entries()) {
      if (block.type !== "thinking") continue;
      const signature = block["signature"];
      if (typeof signature !== "string") return `messages.${index}.content.${position}.signature: Field required`;
      const thinking = typeof block["thinking"] === "string" ? block["thinking"] : "";
      if (!signer.verify(thinking, signature)) return `messages.${index}.content.${position}: Invalid \`signature\` in \`thinking\` block`;
    }
  }
  if (!thinks || lastAssistant < 0) return undefined;
  const content = request.messages[lastAssistant]!.content;
  if (typeof content === "string" || !content.some((block) => block.type === "tool_use")) return undefined;
  const first = content[0]?.type ?? "none";
  if (first === "thinking" || first === "redacted_thinking") return undefined;
  return (
    `messages.${lastAssistant}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first}\`. ` +
    "When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of " +
    "`tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this " +
    `requirement, disable \`thinking\`. Please consult our documentation at ${documentation}`
  );
}

/**
 * The thinking a reply carries: a fixed sentence about what is asked, repeated to `tokens` tokens.
 * Deterministic, so a seed replays a run exactly; its length is the scenario's thinkingTokens.
 */
export function thinkingTextOf(subject: string, tokens: number): string {
  const sentence = `The request asks for ${subject}; checking what it carries before answering. `;
  return sentence.repeat(Math.ceil((tokens * 4) / sentence.length)).slice(0, tokens * 4);
}
