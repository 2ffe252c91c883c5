import { z } from "zod";

/**
 * Conditional replies (PLAN.md contract 1): any reply entry may be an object that answers `reply`
 * only when the request carries every text in `requires`, and `fallback` otherwise.
 */
export type Requirement = string | { regex: string };

export interface ConditionalReply<T> {
  requires: Requirement[];
  reply: T;
  /** Optional; default: the previous entry's reply. */
  fallback?: T | undefined;
  /** Names the condition in the transcript; default: the entry's path, e.g. `files.src/a.py[1]`. */
  label?: string | undefined;
}

const conditionalKeys = new Set(["requires", "reply", "fallback", "label"]);

const requirementSchema = z.union([
  z.string().min(1, "a required text must not be empty"),
  z.strictObject({
    regex: z
      .string()
      .min(1, "a regex must not be empty")
      .refine(compiles, { message: "is not a valid regular expression" }),
  }),
]);

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function conditionalSchemaOf<T extends z.ZodType>(reply: T) {
  return z.strictObject({
    requires: z.array(requirementSchema).min(1, "requires needs at least one text"),
    reply,
    fallback: reply.optional(),
    label: z.string().min(1).optional(),
  });
}

/**
 * True for an object meant as a conditional reply: it has `requires` together with `reply`,
 * `fallback` or `label`. Such an object is validated strictly, so a misspelt key is an error
 * instead of silently becoming a tool input that happens to contain the word "requires".
 */
export function looksConditional(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  if (!Object.hasOwn(value, "requires")) return false;
  return ["reply", "fallback", "label"].some((key) => Object.hasOwn(value, key));
}

export function isConditional<T>(entry: T | ConditionalReply<T>): entry is ConditionalReply<T> {
  return looksConditional(entry) && Object.hasOwn(entry as object, "reply") && Array.isArray((entry as ConditionalReply<T>).requires);
}

/** Parses `value` with `schema`, copying its issues (by path) into the enclosing parse. */
function parseInto(schema: z.ZodType, value: unknown, context: z.RefinementCtx, prefix: (string | number)[] = []): { ok: boolean; data?: unknown } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  for (const issue of result.error.issues) context.addIssue({ code: "custom", message: issue.message, path: [...prefix, ...issue.path.map((part) => (typeof part === "symbol" ? String(part) : part))] });
  return { ok: false };
}

/**
 * A reply for one caller: one entry for every call, or one per call with the last repeating. Each
 * entry is a plain reply or a conditional one around it. Hand-rolled instead of a zod union so a bad
 * conditional reports its own problems (an unknown key, a missing reply) by path rather than "no
 * union member matched". `plain` objects are conditional only when they look it (`looksConditional`);
 * where a plain reply is a string, every object is meant as a conditional. The first conditional of
 * a sequence has no previous entry to fall back to, so it needs its own fallback.
 */
export function replySequenceSchemaOf<T extends z.ZodType>(plain: T, plainIsObject: boolean) {
  const conditional = conditionalSchemaOf(plain);
  type Entry = z.output<T> | ConditionalReply<z.output<T>>;
  const parseEntry = (value: unknown, context: z.RefinementCtx, prefix: (string | number)[]): { ok: boolean; data?: unknown } => {
    const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
    if (!(isObject && (looksConditional(value) || !plainIsObject))) return parseInto(plain, value, context, prefix);
    const unknown = Object.keys(value).filter((key) => !conditionalKeys.has(key));
    if (unknown.length > 0) {
      context.addIssue({
        code: "custom",
        message: `a conditional reply may only have requires, reply, fallback and label (unknown: ${unknown.join(", ")})`,
        path: prefix,
      });
      return { ok: false };
    }
    return parseInto(conditional, value, context, prefix);
  };
  const schema = z.unknown().transform((value, context) => {
    const entries = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && value.length === 0) {
      context.addIssue({ code: "custom", message: "needs at least one entry" });
      return z.NEVER;
    }
    const parsed: unknown[] = [];
    let ok = true;
    for (const [index, entry] of entries.entries()) {
      const result = parseEntry(entry, context, Array.isArray(value) ? [index] : []);
      ok &&= result.ok;
      parsed.push(result.data);
    }
    if (!ok) return z.NEVER;
    const first = parsed[0] as Entry;
    if (isConditional(first) && first.fallback === undefined) {
      context.addIssue({
        code: "custom",
        message: "a conditional reply with no entry before it needs a fallback",
        path: Array.isArray(value) ? [0, "fallback"] : ["fallback"],
      });
      return z.NEVER;
    }
    return (Array.isArray(value) ? parsed : parsed[0]) as Entry | Entry[];
  });
  return schema as unknown as z.ZodType<Entry | Entry[], z.input<T> | ConditionalReply<z.input<T>> | (z.input<T> | ConditionalReply<z.input<T>>)[]>;
}
