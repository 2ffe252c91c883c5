import { capabilitiesOf } from "../llm/model-capabilities.ts";
import type { MessagesRequest } from "./request-schema.ts";

/**
 * The real API's per-model refusals, taken from the same capability table the model layer uses
 * (llm/model-capabilities.ts), so the simulator cannot accept a request shape the API rejects
 * while the layer believes it is fine, or the other way round.
 */
export const noPrefillMessage = "This model does not support assistant message prefill. The conversation must end with a user message.";

export function forcedToolMessage(model: string, choiceType: string): string {
  return `tool_choice: forced tool use (type "${choiceType}") is not supported by ${model}; use tool_choice {"type": "auto"} or {"type": "none"} and ask for the tool in the prompt.`;
}

/** The 400 message for a request this model refuses, or undefined when the model accepts its shape. */
export function modelRuleProblem(request: Pick<MessagesRequest, "messages" | "tool_choice">, model: string): string | undefined {
  const capabilities = capabilitiesOf(model);
  if (!capabilities.assistantPrefill && request.messages.at(-1)?.role === "assistant") return noPrefillMessage;
  const choice = request.tool_choice?.type;
  // "any" forces a tool call as much as naming one does.
  if (!capabilities.forcedToolChoice && (choice === "tool" || choice === "any")) return forcedToolMessage(model, choice);
  return undefined;
}
