/**
 * Recovers a JSON value from a model reply that was meant to be JSON but arrived as
 * text: inside a ```json fence, wrapped in prose, with trailing commas, or cut off
 * mid-way by max_tokens. Used only as a fallback for structured output; file content
 * never goes through here.
 */
export type JsonExtraction = { ok: true; value: unknown; repaired: boolean } | { ok: false; error: string };

const fencePattern = /```[ \t]*(?:json5?|javascript|js)?[ \t]*\r?\n([\s\S]*?)(?:\r?\n[ \t]*```|$)/gi;
const maximumRepairSteps = 64;

export function extractJson(text: string): JsonExtraction {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, error: "the reply is empty" };
  try {
    return { ok: true, value: JSON.parse(trimmed), repaired: false };
  } catch {
    // Fall through to the tolerant paths.
  }
  const candidates: string[] = [];
  for (const match of trimmed.matchAll(fencePattern)) {
    if (match[1] !== undefined) candidates.push(match[1]);
  }
  candidates.push(trimmed);
  for (const candidate of candidates) {
    for (const start of valueStarts(candidate)) {
      const value = parseFrom(candidate, start);
      if (value.ok) return value;
    }
  }
  return { ok: false, error: "no JSON object or array could be recovered from the reply" };
}

/** Offsets of "{" and "[" that could open the value, first ones first (bounded for long prose). */
function valueStarts(text: string): number[] {
  const starts: number[] = [];
  for (let index = 0; index < text.length && starts.length < 16; index += 1) {
    if (text[index] === "{" || text[index] === "[") starts.push(index);
  }
  return starts;
}

interface ScanResult {
  /** Index just past the value when it closed, else undefined (truncated). */
  end: number | undefined;
  stack: string[];
  inString: boolean;
  /** Offsets of commas outside strings, to cut back to when the tail is unusable. */
  commas: number[];
}

function scan(text: string, start: number): ScanResult {
  const stack: string[] = [];
  const commas: number[] = [];
  let inString = false;
  let escaped = false;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (escaped) escaped = false;
      else if (character === "\\") escaped = true;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') inString = true;
    else if (character === "{") stack.push("}");
    else if (character === "[") stack.push("]");
    else if (character === "}" || character === "]") {
      stack.pop();
      if (stack.length === 0) return { end: index + 1, stack, inString, commas };
    } else if (character === ",") commas.push(index);
  }
  return { end: undefined, stack, inString, commas };
}

function parseFrom(text: string, start: number): JsonExtraction {
  const first = scan(text, start);
  if (first.end !== undefined) {
    const slice = text.slice(start, first.end);
    const parsed = tryParse(slice) ?? tryParse(removeTrailingCommas(slice));
    if (parsed) return { ok: true, value: parsed.value, repaired: true };
    return { ok: false, error: "a JSON-looking value did not parse" };
  }
  return closeTruncated(text.slice(start));
}

/** Closes an open string and open brackets; when the tail is a half-written token, cuts back to the previous comma. */
function closeTruncated(fragment: string): JsonExtraction {
  let body = fragment;
  for (let step = 0; step < maximumRepairSteps; step += 1) {
    const state = scan(body, 0);
    let closed = body;
    if (state.inString) {
      // A dangling backslash would escape the closing quote.
      closed = closed.replace(/\\+$/, (slashes) => (slashes.length % 2 === 1 ? slashes.slice(1) : slashes)) + '"';
    }
    closed = closed.replace(/[\s,]*$/, "").replace(/:\s*$/, ": null");
    const closers = [...scan(closed, 0).stack].reverse().join("");
    const parsed = tryParse(removeTrailingCommas(closed + closers));
    if (parsed) return { ok: true, value: parsed.value, repaired: true };
    const lastComma = state.commas.at(-1);
    if (lastComma === undefined || lastComma === 0) break;
    body = body.slice(0, lastComma);
  }
  return { ok: false, error: "the reply was cut off and could not be closed into valid JSON" };
}

/** Drops commas that directly precede a closing bracket, leaving string contents alone. */
export function removeTrailingCommas(json: string): string {
  let result = "";
  let inString = false;
  let escaped = false;
  for (let index = 0; index < json.length; index += 1) {
    const character = json[index] as string;
    if (inString) {
      result += character;
      if (escaped) escaped = false;
      else if (character === "\\") escaped = true;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') inString = true;
    if (character === ",") {
      const rest = json.slice(index + 1).match(/^\s*([}\]])/);
      if (rest) continue;
    }
    result += character;
  }
  return result;
}

function tryParse(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}
