import type { ContentBlockParam, Message, MessageCreateParamsNonStreaming, MessageParam, Tool } from "@anthropic-ai/sdk/resources/messages";
import { z, type ZodType } from "zod";
import { ModelError, ValidationError } from "../errors/asp-error.ts";
import type { LlmCallRecord } from "../schemas/llm-call.ts";
import { sendWithRetries, type AttemptSenderDeps, type CallScope } from "./attempt-sender.ts";
import { extractJson } from "./json-repair.ts";
import { capabilitiesOf } from "./model-capabilities.ts";
import { firstUserMessage, systemBlocks } from "./prompt-blocks.ts";

export interface StructuredRequest<T> {
  agent: string;
  schema: ZodType<T>;
  toolName: string;
  toolDescription?: string;
  system: string;
  prompt: string;
  cachedContext?: string;
  maxTokens?: number;
  model?: string;
  runId?: string;
  round?: number;
  /** Model replies that fail the schema are re-asked with the errors, this many replies in all (default 3). */
  maxValidationAttempts?: number;
  /**
   * Rules beyond the schema (a manifest's paths and ids, say). Each problem returned is sent back to
   * the model through the same re-ask loop as a schema error, so the model learns why it was refused.
   */
  validate?: (value: T) => string[];
  onCall?: (record: LlmCallRecord) => void | Promise<void>;
}

export interface StructuredResult<T> {
  value: T;
  calls: LlmCallRecord[];
}

/** Everything but the request that structured() needs, resolved by the client. */
export interface StructuredContext {
  sender: AttemptSenderDeps;
  scope: CallScope;
  model: string;
  maxTokens: number;
  /** Mark the system prompt and shared context for prompt caching (default true). */
  promptCaching?: boolean;
}

const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;
/** A reply cut by max_tokens is asked again with more room, up to this multiple of the first limit. */
const maximumTokenGrowth = 4;

/** The tool's input_schema: the zod schema as JSON Schema, which must describe an object. */
export function toolInputSchema(schema: ZodType, toolName: string): Tool.InputSchema {
  let json: Record<string, unknown>;
  try {
    json = z.toJSONSchema(schema, { target: "draft-2020-12", unrepresentable: "any" }) as Record<string, unknown>;
  } catch (error) {
    throw new ValidationError(`The schema of tool "${toolName}" cannot be expressed as JSON Schema: ${(error as Error).message}`, { cause: error });
  }
  if (json["type"] !== "object") {
    throw new ValidationError(`The schema of tool "${toolName}" must be a z.object(): tool input is always a JSON object`);
  }
  // The API takes the schema body; the dialect marker adds nothing it reads.
  const { $schema: _dialect, ...body } = json;
  return body as Tool.InputSchema;
}

/**
 * Asks for data through a tool call, validates it with zod and re-asks with the errors
 * when it does not fit. A reply that put the JSON in text instead is recovered with
 * json-repair, then validated the same way.
 */
export async function requestStructured<T>(context: StructuredContext, request: StructuredRequest<T>): Promise<T> {
  if (!toolNamePattern.test(request.toolName)) {
    throw new ValidationError(`toolName "${request.toolName}" must match ${toolNamePattern} (the API's rule for tool names)`);
  }
  const tool: Tool = {
    name: request.toolName,
    description: request.toolDescription ?? `Record the result. Call this tool exactly once with the complete result.`,
    input_schema: toolInputSchema(request.schema, request.toolName),
  };
  const forced = capabilitiesOf(context.model).forcedToolChoice;
  const cache = context.promptCaching ?? true;
  const system = systemBlocks(forcedSystem(request.system, request.toolName, forced), cache);
  const messages: MessageParam[] = [firstUserMessage(request.prompt, request.cachedContext, cache)];
  const budget = Math.max(1, request.maxValidationAttempts ?? 3);
  let maxTokens = context.maxTokens;
  let lastProblem = "no reply yet";

  for (let reply = 1; reply <= budget; reply += 1) {
    const params: MessageCreateParamsNonStreaming = {
      model: context.model,
      max_tokens: maxTokens,
      ...(system ? { system } : {}),
      messages: [...messages],
      tools: [tool],
      tool_choice: forced ? { type: "tool", name: request.toolName } : { type: "auto" },
    };
    const message = await sendWithRetries(context.sender, context.scope, params);
    const outcome = readReply(message, request);
    if (outcome.ok) return outcome.value;
    lastProblem = outcome.problem;
    context.sender.logger.info(
      { agent: request.agent, reply, stopReason: message.stop_reason, problem: outcome.problem.slice(0, 300) },
      "structured reply rejected, asking again",
    );
    if (message.stop_reason === "max_tokens") maxTokens = Math.min(maxTokens * 2, context.maxTokens * maximumTokenGrowth);
    messages.push(...feedbackTurns(message, request.toolName, outcome.problem));
  }
  throw new ModelError(
    `Agent "${request.agent}" got no valid "${request.toolName}" result after ${budget} repl${budget === 1 ? "y" : "ies"}. Last problem: ${lastProblem}`,
    { code: "structured_output_invalid", retryable: false, details: { agent: request.agent, toolName: request.toolName, replies: budget } },
  );
}

type ReplyOutcome<T> = { ok: true; value: T } | { ok: false; problem: string };

function readReply<T>(message: Message, request: StructuredRequest<T>): ReplyOutcome<T> {
  const toolUse = message.content.find((block) => block.type === "tool_use" && block.name === request.toolName);
  if (message.stop_reason === "max_tokens") {
    // A cut reply is never trusted, even when repair makes it parse: a closed-off array silently loses items.
    return { ok: false, problem: "the reply was cut off by max_tokens before the tool input was complete" };
  }
  let candidate: unknown;
  if (toolUse && toolUse.type === "tool_use") {
    candidate = toolUse.input;
  } else {
    const text = textOf(message);
    const extracted = extractJson(text);
    if (!extracted.ok) return { ok: false, problem: `no "${request.toolName}" tool call, and ${extracted.error}` };
    candidate = extracted.value;
  }
  const parsed = request.schema.safeParse(candidate);
  if (!parsed.success) return { ok: false, problem: describeIssues(parsed.error) };
  const problems = request.validate?.(parsed.data) ?? [];
  if (problems.length > 0) return { ok: false, problem: `the result breaks these rules: ${problems.join("; ")}` };
  return { ok: true, value: parsed.data };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 20)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

function textOf(message: Message): string {
  return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
}

/** Without forced tool choice, the instruction to call the tool has to be in the prompt. */
function forcedSystem(system: string, toolName: string, forced: boolean): string {
  if (forced) return system;
  return `${system}\n\nAnswer only by calling the tool "${toolName}" once with the complete result.`.trim();
}

/**
 * The turns that show the model its rejected reply and why: a tool_result with is_error
 * for a tool call (the API requires every tool_use to be answered), a plain user message otherwise.
 */
function feedbackTurns(message: Message, toolName: string, problem: string): MessageParam[] {
  const instruction = `Your "${toolName}" input is not valid: ${problem}. Call "${toolName}" again with the complete, corrected input.`;
  const assistant: ContentBlockParam[] = [];
  const results: ContentBlockParam[] = [];
  for (const block of message.content) {
    if (block.type === "text" && block.text.trim() !== "") assistant.push({ type: "text", text: block.text });
    if (block.type === "tool_use") {
      assistant.push({ type: "tool_use", id: block.id, name: block.name, input: block.input });
      results.push({ type: "tool_result", tool_use_id: block.id, is_error: true, content: block.name === toolName ? instruction : `Unknown tool "${block.name}".` });
    }
  }
  if (assistant.length === 0) return [{ role: "user", content: instruction }];
  if (results.length === 0) return [{ role: "assistant", content: assistant }, { role: "user", content: instruction }];
  return [{ role: "assistant", content: assistant }, { role: "user", content: results }];
}
