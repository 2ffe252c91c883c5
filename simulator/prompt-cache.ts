import { createHash } from "node:crypto";
import type { CountTokensRequest } from "./request-schema.ts";
import { countCharacters, tokensForCharacters } from "./token-count.ts";

interface Segment {
  text: string;
  breakpoint: boolean;
}

export interface InputUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/**
 * The prompt in the order the API caches it: tools, then system, then messages. A block with
 * `cache_control` ends a cacheable prefix (a breakpoint).
 */
function segmentsOf(request: CountTokensRequest): Segment[] {
  const segments: Segment[] = [];
  const push = (value: unknown) => {
    if (typeof value === "string") {
      segments.push({ text: value, breakpoint: false });
      return;
    }
    const { cache_control: cacheControl, ...rest } = value as Record<string, unknown>;
    const text = rest["type"] === "text" && typeof rest["text"] === "string" ? rest["text"] : JSON.stringify(rest);
    segments.push({ text, breakpoint: cacheControl !== undefined && cacheControl !== null });
  };
  for (const tool of request.tools ?? []) push(tool);
  if (typeof request.system === "string") push(request.system);
  else for (const block of request.system ?? []) push(block);
  for (const message of request.messages) {
    // The role is part of what is cached: the same text as user or assistant is a different prefix.
    segments.push({ text: message.role, breakpoint: false });
    if (typeof message.content === "string") push(message.content);
    else for (const block of message.content) push(block);
  }
  return segments;
}

export function countInputTokens(request: CountTokensRequest): number {
  const characters = segmentsOf(request).reduce((sum, segment) => sum + countCharacters(segment.text), 0);
  return Math.max(1, tokensForCharacters(characters));
}

/**
 * Remembers every prefix written to the cache. On a request it reads the longest prefix already
 * cached and writes the one up to the last breakpoint, as the API does; prefixes shorter than
 * `minTokens` are not cacheable.
 */
export class PromptCache {
  readonly #entries = new Set<string>();

  usage(request: CountTokensRequest, model: string, minTokens: number, options: { write: boolean }): InputUsage {
    const total = countInputTokens(request);
    const hash = createHash("sha256").update(model);
    const prefixes: { key: string; tokens: number }[] = [];
    let characters = 0;
    for (const segment of segmentsOf(request)) {
      // Length-prefix each segment so different splits of the same text hash differently.
      hash.update(`${segment.text.length}:${segment.text}`);
      characters += countCharacters(segment.text);
      if (!segment.breakpoint) continue;
      const tokens = tokensForCharacters(characters);
      if (tokens >= minTokens) prefixes.push({ key: hash.copy().digest("hex"), tokens });
    }
    const last = prefixes.at(-1);
    if (!last) return { input_tokens: total, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

    let hit: (typeof prefixes)[number] | undefined;
    for (const prefix of prefixes) if (this.#entries.has(prefix.key)) hit = prefix;
    const read = hit?.tokens ?? 0;
    const created = hit === last ? 0 : last.tokens - read;
    if (options.write) for (const prefix of prefixes) this.#entries.add(prefix.key);
    return {
      input_tokens: Math.max(0, total - read - created),
      cache_creation_input_tokens: created,
      cache_read_input_tokens: read,
    };
  }

  clear(): void {
    this.#entries.clear();
  }
}
