import { textOf, type MessageParam } from "./request-schema.ts";

/** The model's own earlier output that a file request asks it to carry on from. */
export interface ContinuedOutput {
  text: string;
  /**
   * `prefill`: the request ends with it as the assistant turn (models before Claude 4.6).
   * `user-turn`: it is the assistant turn before a closing user turn, the way a model that
   * rejects prefill is asked to continue.
   */
  by: "prefill" | "user-turn";
}

/**
 * Which earlier output a request continues, if any. The simulator does not read the user turn's
 * wording: for a file request, an assistant turn followed by one user turn only arises from a
 * continuation (the model layer's file calls are otherwise a single user turn). A model without
 * prefill is continued in a growing conversation, one assistant turn per cut reply, so the output
 * so far is the text of all of them in order.
 */
export function continuedOutputOf(request: { messages: MessageParam[] }): ContinuedOutput | undefined {
  const { messages } = request;
  const last = messages.at(-1);
  if (last?.role === "assistant") return { text: textOf(last.content), by: "prefill" };
  const before = messages.at(-2);
  if (last?.role === "user" && before?.role === "assistant") {
    const text = messages.filter((message) => message.role === "assistant").map((message) => textOf(message.content)).join("");
    return { text, by: "user-turn" };
  }
  return undefined;
}
