/**
 * A model asked in a user turn to continue its cut output sometimes starts by repeating the end of
 * what it already wrote (the cut word, or the whole cut line). The repeat is the longest suffix of
 * the text so far that is also a prefix of the continuation. A coincidental overlap must never be
 * removed, because an exact continuation is the common case and the file's bytes must survive, so
 * only overlaps that are unlikely to be chance are dropped
 * (see docs/decisions/0307-continuation-overlap-removal.md).
 */
export interface OverlapLimits {
  /** Shorter overlaps are kept: a few equal characters on both sides of a cut are ordinary in code. */
  minimum: number;
  /** The search is bounded: a model repeats a line or so, not pages. */
  maximum: number;
}

export const defaultOverlapLimits: Readonly<OverlapLimits> = Object.freeze({ minimum: 8, maximum: 400 });

/** How many UTF-16 units to drop from the start of `continuation`; 0 when no overlap is safe to drop. */
export function repeatedOverlapLength(before: string, continuation: string, limits: OverlapLimits = defaultOverlapLimits): number {
  const longest = Math.min(limits.maximum, before.length, continuation.length);
  for (let length = longest; length >= Math.max(1, limits.minimum); length -= 1) {
    if (splitsSurrogatePair(continuation, length)) continue;
    const candidate = continuation.slice(0, length);
    if (!before.endsWith(candidate)) continue;
    // Only the longest overlap is judged: a shorter one inside a rejected run is no more trustworthy.
    return looksRepeated(candidate) && startsAtBoundary(before, before.length - length) ? length : 0;
  }
  return 0;
}

/** The continuation with a repeated overlap removed, ready to append to `before`. */
export function withoutRepeatedOverlap(before: string, continuation: string, limits: OverlapLimits = defaultOverlapLimits): string {
  return continuation.slice(repeatedOverlapLength(before, continuation, limits));
}

/**
 * A model repeats part of the line it was cut in. Overlaps that span a line break (identical
 * consecutive lines), that are only whitespace (indentation, blank lines) or that are periodic
 * ("=====", "0, 0, 0, ") appear on both sides of an ordinary cut, so they are not evidence of a repeat.
 */
function looksRepeated(overlap: string): boolean {
  if (/[\r\n]/u.test(overlap) || !/\S/u.test(overlap)) return false;
  return smallestPeriod(overlap) * 2 > overlap.length;
}

const wordCharacter = /^[\p{L}\p{N}_]$/u;
const whitespace = /^\s$/u;

/**
 * A model restarts at the start of its text, of the line, of a word or of a space-separated
 * token, not in the middle of one: measured over this repository's own files, this removes most
 * of the remaining coincidental overlaps (docs/decisions/0307-continuation-overlap-removal.md).
 */
function startsAtBoundary(text: string, start: number): boolean {
  if (start === 0) return true;
  const previous = characterEndingAt(text, start);
  const first = String.fromCodePoint(text.codePointAt(start)!);
  if (previous === "\n" || previous === "\r") return true;
  if (!wordCharacter.test(previous) && wordCharacter.test(first)) return true;
  return whitespace.test(previous) && !whitespace.test(first);
}

/** The whole character (code point) that ends just before `index`. */
function characterEndingAt(text: string, index: number): string {
  const low = text.charCodeAt(index - 1);
  const pair = index >= 2 && low >= 0xdc00 && low <= 0xdfff;
  return text.slice(pair ? index - 2 : index - 1, index);
}

/** The smallest p such that text[i] === text[i + p] for every i (Knuth–Morris–Pratt failure function). */
export function smallestPeriod(text: string): number {
  if (text.length === 0) return 0;
  const border = new Array<number>(text.length).fill(0);
  for (let index = 1, length = 0; index < text.length; ) {
    if (text[index] === text[length]) {
      length += 1;
      border[index] = length;
      index += 1;
    } else if (length > 0) {
      length = border[length - 1]!;
    } else {
      border[index] = 0;
      index += 1;
    }
  }
  return text.length - border[text.length - 1]!;
}

function splitsSurrogatePair(text: string, length: number): boolean {
  const last = text.charCodeAt(length - 1);
  return last >= 0xd800 && last <= 0xdbff;
}
