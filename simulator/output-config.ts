import { z } from "zod";
import { capabilitiesOf, effortLevels, type EffortLevel } from "../llm/model-capabilities.ts";
import type { MessagesRequest } from "./request-schema.ts";

/** What `output_config` asks of a reply: the native structured-output format and the effort. */
export interface OutputConfig {
  /** JSON schema of output_config.format {type: "json_schema", schema}. */
  schema?: Record<string, unknown>;
  effort?: EffortLevel;
}

export type OutputConfigResult = { ok: true; config: OutputConfig } | { ok: false; message: string };

const effortList = `${effortLevels.slice(0, -1).map((level) => `'${level}'`).join(", ")} or '${effortLevels.at(-1)}'`;

/**
 * Validates `output_config` as the API does (docs: build-with-claude/structured-outputs and
 * build-with-claude/effort): the format is {type: "json_schema", schema}; effort is one of
 * low, medium, high, xhigh, max and one the model takes; the format is refused for a model without
 * native structured outputs and with a prefilled assistant turn.
 */
export function readOutputConfig(request: MessagesRequest, model: string): OutputConfigResult {
  const field = request["output_config"];
  if (field === undefined || field === null) return { ok: true, config: {} };
  if (typeof field !== "object" || Array.isArray(field)) return refuse("output_config: Input should be a valid dictionary or object");
  // Other fields pass untouched: the simulator only refuses what it knows the API refuses.
  const { format, effort } = field as Record<string, unknown>;
  const capabilities = capabilitiesOf(model);
  const config: OutputConfig = {};

  if (effort !== undefined && effort !== null) {
    if (typeof effort !== "string" || !(effortLevels as readonly string[]).includes(effort)) {
      return refuse(`output_config.effort: Input should be ${effortList}`);
    }
    if (capabilities.effortLevels.length === 0) return refuse(`output_config.effort: effort is not supported by ${model}`);
    if (!capabilities.effortLevels.includes(effort as EffortLevel)) {
      return refuse(`output_config.effort: "${effort}" is not supported by ${model} (it takes ${capabilities.effortLevels.join(", ")})`);
    }
    config.effort = effort as EffortLevel;
  }

  if (format !== undefined && format !== null) {
    if (typeof format !== "object" || Array.isArray(format)) return refuse("output_config.format: Input should be a valid dictionary or object");
    const { type, schema } = format as Record<string, unknown>;
    if (type !== "json_schema") return refuse("output_config.format.type: Input should be 'json_schema'");
    if (schema === undefined) return refuse("output_config.format.schema: Field required");
    if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
      return refuse("output_config.format.schema: Input should be a valid dictionary or object");
    }
    if (!capabilities.nativeStructuredOutput) return refuse(`output_config.format: structured outputs are not supported by ${model}`);
    if (request.messages.at(-1)?.role === "assistant") {
      return refuse("output_config.format: structured outputs cannot be used with a prefilled assistant message");
    }
    config.schema = schema as Record<string, unknown>;
  }
  return { ok: true, config };
}

function refuse(message: string): OutputConfigResult {
  return { ok: false, message };
}

/**
 * Where a scenario's reply breaks the request's schema. The real API cannot return such JSON, so a
 * mismatch is the scenario's mistake; the reply still goes out and the transcript names the
 * problems. A schema zod cannot read is not checked.
 */
export function schemaProblemsOf(schema: Record<string, unknown>, value: unknown): string[] {
  let validator: z.ZodType;
  try {
    validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return [];
  }
  const result = validator.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
}
