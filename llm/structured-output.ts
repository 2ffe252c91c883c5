import { transformJSONSchema } from "@anthropic-ai/sdk/lib/transform-json-schema";
import type { ContentBlockParam, JSONOutputFormat, Message, MessageCreateParamsNonStreaming, MessageParam, OutputConfig, Tool } from "@anthropic-ai/sdk/resources/messages";
import { z, type ZodType } from "zod";
import { ModelError, ValidationError } from "../errors/asp-error.ts";
import type { LlmCallRecord } from "../schemas/llm-call.ts";
import { sendWithRetries, type AttemptSenderDeps, type CallScope } from "./attempt-sender.ts";
import { assistantTurnOf, textOf } from "./assistant-turn.ts";
import { extractJson } from "./json-repair.ts";
import { capabilitiesOf, type EffortLevel } from "./model-capabilities.ts";
import { maxTokensFor } from "./output-budget.ts";
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
  /** The output the caller asked for; a model that thinks by default gets `thinkingTokens` on top. */
  maxTokens: number;
  /** Mark the system prompt and shared context for prompt caching (default true). */
  promptCaching?: boolean;
  /** output_config.effort, already checked against the model. */
  effort?: EffortLevel | undefined;
  thinkingTokens?: number;
}

/**
 * How the data is asked for. `forced-tool`: tool_choice names the tool. `native-json`: the API's
 * structured-output format (output_config.format), for a model that refuses forced tool choice
 * (every such model in the docs accepts the format); the reply is JSON text (docs/decisions/1063).
 */
export type StructuredMode = "forced-tool" | "native-json";

export function structuredModeOf(model: string): StructuredMode {
  return capabilitiesOf(model).forcedToolChoice ? "forced-tool" : "native-json";
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
 * The native structured-output format: the same JSON Schema, made strict the way the SDK's own
 * zodOutputFormat does (objects closed, constraints the API does not enforce moved into descriptions).
 * zod still checks every constraint on the reply.
 */
export function nativeOutputFormat(schema: ZodType, name: string): JSONOutputFormat {
  return { type: "json_schema", schema: transformJSONSchema(toolInputSchema(schema, name)) };
}

/**
 * Asks for data through a tool call (or, for a model that refuses forced tool choice, the native
 * structured-output format), validates it with zod and re-asks with the errors when it does not
 * fit. A reply that put the JSON in text instead is recovered with json-repair, then validated the
 * same way. Re-asks append the model's turn exactly as it came, thinking blocks included.
 */
export async function requestStructured<T>(context: StructuredContext, request: StructuredRequest<T>): Promise<T> {
  if (!toolNamePattern.test(request.toolName)) {
    throw new ValidationError(`toolName "${request.toolName}" must match ${toolNamePattern} (the API's rule for tool names)`);
  }
  const mode = structuredModeOf(context.model);
  const tool: Tool = {
    name: request.toolName,
    description: request.toolDescription ?? `Record the result. Call this tool exactly once with the complete result.`,
    input_schema: toolInputSchema(request.schema, request.toolName),
  };
  const cache = context.promptCaching ?? true;
  // Built once: the system prompt, tools and earlier turns stay byte-identical across re-asks, as the
  // API's prefix check requires of everything before a thinking block (docs: preserved-thinking).
  const system = systemBlocks(request.system, cache);
  const shape = requestShape(mode, tool, request, context.effort);
  const messages: MessageParam[] = [firstUserMessage(request.prompt, request.cachedContext, cache)];
  const budget = Math.max(1, request.maxValidationAttempts ?? 3);
  let outputTokens = context.maxTokens;
  let lastProblem = "no reply yet";

  for (let reply = 1; reply <= budget; reply += 1) {
    const params: MessageCreateParamsNonStreaming = {
      model: context.model,
      max_tokens: maxTokensFor(context.model, outputTokens, context.thinkingTokens ?? 0),
      ...(system ? { system } : {}),
      messages: [...messages],
      ...shape,
    };
    const message = await sendWithRetries(context.sender, context.scope, params);
    const outcome = readReply(message, request, mode);
    if (outcome.ok) return outcome.value;
    lastProblem = outcome.problem;
    context.sender.logger.info(
      { agent: request.agent, reply, mode, stopReason: message.stop_reason, problem: outcome.problem.slice(0, 300) },
      "structured reply rejected, asking again",
    );
    if (message.stop_reason === "max_tokens") outputTokens = Math.min(outputTokens * 2, context.maxTokens * maximumTokenGrowth);
    messages.push(...feedbackTurns(message, request.toolName, mode, outcome.problem));
  }
  throw new ModelError(
    `Agent "${request.agent}" got no valid "${request.toolName}" result after ${budget} repl${budget === 1 ? "y" : "ies"}. Last problem: ${lastProblem}`,
    { code: "structured_output_invalid", retryable: false, details: { agent: request.agent, toolName: request.toolName, replies: budget } },
  );
}

type ReplyOutcome<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The request fields that differ by mode; the system prompt and the turns are the same in both. */
function requestShape<T>(mode: StructuredMode, tool: Tool, request: StructuredRequest<T>, effort: EffortLevel | undefined): Partial<MessageCreateParamsNonStreaming> {
  const effortConfig: OutputConfig | undefined = effort !== undefined ? { effort } : undefined;
  if (mode === "native-json") return { output_config: { format: nativeOutputFormat(request.schema, request.toolName), ...effortConfig } };
  return { tools: [tool], tool_choice: { type: "tool", name: request.toolName }, ...(effortConfig ? { output_config: effortConfig } : {}) };
}

function readReply<T>(message: Message, request: StructuredRequest<T>, mode: StructuredMode): ReplyOutcome<T> {
  const toolUse = message.content.find((block) => block.type === "tool_use" && block.name === request.toolName);
  if (message.stop_reason === "max_tokens") {
    // A cut reply is never trusted, even when repair makes it parse: a closed-off array silently loses items.
    return { ok: false, problem: `the reply was cut off by max_tokens before the ${mode === "native-json" ? "JSON" : "tool input"} was complete` };
  }
  if (message.stop_reason === "refusal") return { ok: false, problem: "the model declined to answer (stop_reason refusal)" };
  let candidate: unknown;
  if (toolUse && toolUse.type === "tool_use") {
    candidate = toolUse.input;
  } else {
    const text = textOf(message.content);
    const extracted = extractJson(text);
    if (!extracted.ok) return { ok: false, problem: mode === "native-json" ? `the reply is not a JSON object: ${extracted.error}` : `no "${request.toolName}" tool call, and ${extracted.error}` };
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

/**
 * The turns that show the model its rejected reply and why. The reply goes back as the model sent
 * it, every block unchanged and in order (thinking and redacted_thinking included: the API rejects
 * a tool-use turn without them, and any edited block); then a tool_result with is_error for each
 * tool call (the API requires every tool_use to be answered), or a plain user message.
 */
function feedbackTurns(message: Message, toolName: string, mode: StructuredMode, problem: string): MessageParam[] {
  const instruction =
    mode === "native-json"
      ? `Your JSON answer is not valid: ${problem}. Answer again with the complete, corrected JSON object.`
      : `Your "${toolName}" input is not valid: ${problem}. Call "${toolName}" again with the complete, corrected input.`;
  const assistant = assistantTurnOf(message)?.message;
  const results: ContentBlockParam[] = [];
  for (const block of message.content) {
    if (block.type !== "tool_use") continue;
    results.push({ type: "tool_result", tool_use_id: block.id, is_error: true, content: block.name === toolName ? instruction : `Unknown tool "${block.name}".` });
  }
  // Nothing that can go back (only blank text, or cut while thinking): the problem alone is said.
  if (assistant === undefined) return [{ role: "user", content: instruction }];
  if (results.length === 0) return [assistant, { role: "user", content: instruction }];
  return [assistant, { role: "user", content: results }];
}
