import { extname } from "node:path";
import type { RandomSource } from "./random.ts";
import { RandomStreams } from "./random.ts";
import type { MessagesRequest } from "./request-schema.ts";
import type { ScenarioReply } from "./scenario-replies.ts";
import type { FaultKind } from "./scenario-schema.ts";
import { countCharacters, countTokens, fitToTokens, takeCharacters } from "./token-count.ts";

export type StopReason = "end_turn" | "tool_use" | "max_tokens";

export type PlannedBlock =
  /** `thinking` is the text as returned (empty when its display is omitted); `tokens` is what it cost. */
  | { type: "thinking"; thinking: string; signature: string; tokens: number }
  | { type: "text"; text: string }
  /** `json` is what streams as input_json_delta; cut short when max_tokens ran out. */
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown>; json: string };

/** The content of a successful (HTTP 200) reply, before it is sent whole or as a stream. */
export interface PlannedReply {
  blocks: PlannedBlock[];
  stopReason: StopReason;
  outputTokens: number;
  /** A complete, fault-free reply: only this advances the caller's call counter. */
  complete: boolean;
}

export interface BuildContext {
  request: MessagesRequest;
  reply: ScenarioReply;
  /** Only the faults that change a 200 reply reach here. */
  fault: FaultKind | undefined;
  /** The model's earlier output this request continues (a prefill, or the turn before a "continue" user turn). */
  continued: string | undefined;
  random: RandomSource;
  newToolUseId: () => string;
  /** The thinking the reply starts with, when the request thinks (thinking-rules.ts). */
  thinking?: ThinkingInput | undefined;
  /** The request asked for the native structured-output format: the input comes back as JSON text. */
  nativeFormat?: boolean;
}

export interface ThinkingInput {
  text: string;
  display: "summarized" | "omitted";
  /** Signs the text as returned. */
  sign: (returnedText: string) => string;
}

export function buildReply(context: BuildContext): PlannedReply {
  const thinking = context.thinking ? thinkingBlock(context.thinking, context.request.max_tokens) : undefined;
  // Thinking tokens count toward max_tokens, as on the real API: the answer gets what is left.
  const answerTokens = context.request.max_tokens - (thinking?.tokens ?? 0);
  let planned: Content;
  if (thinking && answerTokens < 1) planned = { blocks: [], stopReason: "max_tokens" };
  else {
    const answerContext = thinking ? { ...context, request: { ...context.request, max_tokens: answerTokens } } : context;
    planned =
      context.reply.kind === "file" ? fileReply(answerContext, context.reply.file, context.reply.text) : structuredReply(answerContext, context.reply.input);
  }
  if (thinking) planned = { ...planned, blocks: [thinking, ...planned.blocks] };
  const outputTokens = planned.blocks.reduce((sum, block) => sum + tokensOf(block), 0);
  return {
    ...planned,
    outputTokens: Math.max(1, outputTokens),
    complete: context.fault === undefined && planned.stopReason !== "max_tokens",
  };
}

function tokensOf(block: PlannedBlock): number {
  if (block.type === "thinking") return block.tokens;
  return countTokens(block.type === "text" ? block.text : block.json);
}

/** The thinking block, cut to max_tokens when even the thinking does not fit. */
function thinkingBlock(input: ThinkingInput, maxTokens: number): PlannedBlock & { type: "thinking" } {
  const fitted = fitToTokens(input.text, maxTokens).text;
  const returned = input.display === "omitted" ? "" : fitted;
  return { type: "thinking", thinking: returned, signature: input.sign(returned), tokens: countTokens(fitted) };
}

type Content = Pick<PlannedReply, "blocks" | "stopReason">;

function fileReply(context: BuildContext, file: string, scenarioText: string): Content {
  const { continued, fault } = context;
  let text = continuationOf(scenarioText, continued);
  if (fault === "fenced_file") text = fence(text, languageOf(file));
  if (fault === "truncated") return { blocks: [{ type: "text", text: cutAtRandom(text, context.random) }], stopReason: "max_tokens" };
  return textReply(text, context.request.max_tokens, "end_turn");
}

/**
 * A continuation gets the rest of the text, exactly (the simulator never repeats the seam); earlier
 * output that does not match gets the whole text, so the caller sees the mismatch instead of
 * silently stitching the wrong bytes.
 */
export function continuationOf(text: string, continued: string | undefined): string {
  return continued !== undefined && text.startsWith(continued) ? text.slice(continued.length) : text;
}

function structuredReply(context: BuildContext, scenarioInput: Record<string, unknown>): Content {
  const { request, fault } = context;
  const toolName = toolNameOf(request);
  const input = fault === "invalid_tool_input" ? corrupt(scenarioInput, requiredKeysOf(request, toolName)) : scenarioInput;
  if (fault === "json_in_prose") {
    const prose = `Here is the result:\n\`\`\`json\n${JSON.stringify(input, null, 2)}\n\`\`\`\nHope this helps.`;
    return textReply(prose, request.max_tokens, "end_turn");
  }
  if (fault === "truncated") {
    return { blocks: [{ type: "text", text: cutAtRandom(JSON.stringify(input, null, 2), context.random) }], stopReason: "max_tokens" };
  }
  // The native structured-output format, or no tool to call: the data comes back as JSON text.
  if (context.nativeFormat || toolName === undefined) return textReply(JSON.stringify(input), request.max_tokens, "end_turn");
  const json = JSON.stringify(input);
  const fitted = fitToTokens(json, request.max_tokens);
  // A tool call cut by max_tokens carries no usable input; its streamed JSON stops mid-way.
  const block: PlannedBlock = { type: "tool_use", id: context.newToolUseId(), name: toolName, input: fitted.cut ? {} : input, json: fitted.text };
  return { blocks: [block], stopReason: fitted.cut ? "max_tokens" : "tool_use" };
}

function textReply(text: string, maxTokens: number, stopReason: StopReason): Content {
  const fitted = fitToTokens(text, maxTokens);
  return { blocks: [{ type: "text", text: fitted.text }], stopReason: fitted.cut ? "max_tokens" : stopReason };
}

/** The forced tool's name; with `any`/`auto` the first tool, as a model that decides to call one. */
export function toolNameOf(request: MessagesRequest): string | undefined {
  const choice = request.tool_choice;
  if (choice?.type === "tool" && choice.name) return choice.name;
  if (choice?.type === "none") return undefined;
  return request.tools?.[0]?.name;
}

function requiredKeysOf(request: MessagesRequest, toolName: string | undefined): string[] {
  const tool = request.tools?.find((candidate) => candidate.name === toolName);
  return tool?.input_schema?.required ?? [];
}

/** Breaks the input the way models do: a required key missing, or something else entirely. */
export function corrupt(input: Record<string, unknown>, requiredKeys: string[]): Record<string, unknown> {
  const missing = requiredKeys.find((key) => Object.hasOwn(input, key));
  if (missing === undefined) return { unexpected: true };
  const { [missing]: _dropped, ...rest } = input;
  return rest;
}

/** Keeps between 1 and length-1 characters: always something, never everything. */
function cutAtRandom(text: string, random: RandomSource): string {
  const characters = countCharacters(text);
  if (characters < 2) return text;
  return takeCharacters(text, RandomStreams.integer(random, 1, characters - 1));
}

function fence(text: string, language: string): string {
  return `\`\`\`${language}\n${text}${text.endsWith("\n") ? "" : "\n"}\`\`\``;
}

const languages: Record<string, string> = {
  ".py": "python",
  ".ts": "typescript",
  ".js": "javascript",
  ".json": "json",
  ".md": "markdown",
  ".yaml": "yaml",
  ".yml": "yaml",
  ".toml": "toml",
  ".sh": "bash",
  ".go": "go",
  ".rs": "rust",
  ".java": "java",
  ".html": "html",
  ".css": "css",
  ".sql": "sql",
  ".txt": "text",
};

function languageOf(file: string): string {
  return languages[extname(file).toLowerCase()] ?? "";
}
