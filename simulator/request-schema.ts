import { z } from "zod";

/**
 * The parts of a Messages API request the simulator reads. Loose objects, so every field the
 * real API accepts passes through untouched (and lands in the transcript as sent).
 */
const contentBlockSchema = z.looseObject({ type: z.string() });
const contentSchema = z.union([z.string(), z.array(contentBlockSchema)]);

export const messageParamSchema = z.looseObject({
  role: z.enum(["user", "assistant"]),
  content: contentSchema,
});

const toolSchema = z.looseObject({
  name: z.string().optional(),
  input_schema: z.looseObject({ required: z.array(z.string()).optional() }).optional(),
});

const toolChoiceSchema = z.looseObject({ type: z.string(), name: z.string().optional() });

const promptFields = {
  model: z.string().min(1).optional(),
  messages: z.array(messageParamSchema).min(1, "messages: at least one message is required"),
  system: contentSchema.optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
};

export const messagesRequestSchema = z.looseObject({
  ...promptFields,
  max_tokens: z.number().int().positive(),
  stream: z.boolean().optional(),
});
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;

export const countTokensRequestSchema = z.looseObject(promptFields);
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;

export type ContentBlock = z.infer<typeof contentBlockSchema>;
export type MessageParam = z.infer<typeof messageParamSchema>;

/** Formats zod issues the way the API does: "field: problem". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      const message = issue.code === "invalid_type" && issue.input === undefined ? "Field required" : issue.message;
      return path ? `${path}: ${message}` : message;
    })
    .join("; ");
}

/** The text of a message's content, string or text blocks. */
export function textOf(content: MessageParam["content"]): string {
  if (typeof content === "string") return content;
  return content.map((block) => (block.type === "text" && typeof block["text"] === "string" ? block["text"] : "")).join("");
}

/** The real API rejects a prefill that ends in whitespace; the model layer must trim before it continues. */
export function trailingWhitespaceProblem(request: { messages: MessageParam[] }): string | undefined {
  const last = request.messages.at(-1);
  if (!last || last.role !== "assistant") return undefined;
  return /\s$/u.test(textOf(last.content)) ? "final assistant content cannot end with trailing whitespace" : undefined;
}
