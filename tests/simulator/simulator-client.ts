import Anthropic from "@anthropic-ai/sdk";
import type { ModelSimulator } from "../../simulator/index.ts";

export const testApiKey = "sk-ant-test-secret-key-0123456789";

/** A real SDK client pointed at the simulator; the x-asp-* headers say who is calling. */
export function clientFor(simulator: ModelSimulator, headers: Record<string, string> = {}, maxRetries = 0): Anthropic {
  return new Anthropic({ apiKey: testApiKey, baseURL: simulator.url, maxRetries, defaultHeaders: headers });
}

export const planTool = {
  name: "submit_plan",
  description: "Submit the plan",
  input_schema: {
    type: "object" as const,
    properties: { units: { type: "array" }, summary: { type: "string" } },
    required: ["units", "summary"],
  },
};

/** The project's default model: forced tool use yes, prefill no. */
export const currentModel = "claude-sonnet-4-6";
/** A current model that still accepts prefill (before the 4.6 generation, not deprecated). */
export const prefillModel = "claude-haiku-4-5";

/** The body of a forced-tool-use call, as the model layer sends it. */
export function structuredRequest(maxTokens = 1024, model = currentModel) {
  return {
    model,
    max_tokens: maxTokens,
    tools: [planTool],
    tool_choice: { type: "tool" as const, name: planTool.name },
    messages: [{ role: "user" as const, content: "Plan the task." }],
  };
}

/** A file request; with a prefill it ends in that assistant turn, so it goes to a model that accepts one. */
export function fileRequest(maxTokens = 4096, prefill?: string, model = prefill === undefined ? currentModel : prefillModel) {
  const messages: Anthropic.MessageParam[] = [{ role: "user", content: "Write the file." }];
  if (prefill !== undefined) messages.push({ role: "assistant", content: prefill });
  return { model, max_tokens: maxTokens, messages };
}

/** A file request continued the way a model without prefill is asked: the text so far, then a user turn. */
export function continueRequest(maxTokens: number, textSoFar: string, model = currentModel) {
  const messages: Anthropic.MessageParam[] = [
    { role: "user", content: "Write the file." },
    { role: "assistant", content: textSoFar },
    { role: "user", content: "Continue exactly where you stopped." },
  ];
  return { model, max_tokens: maxTokens, messages };
}

export function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
}
