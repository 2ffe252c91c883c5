/**
 * The simulator's tokenizer: about four characters a token, as the API's rule of thumb.
 * Characters are Unicode code points so a cut never splits a surrogate pair.
 */
export function countCharacters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export function tokensForCharacters(characters: number): number {
  return Math.ceil(characters / 4);
}

export function countTokens(text: string): number {
  return tokensForCharacters(countCharacters(text));
}

/** The first `characters` code points of `text`. */
export function takeCharacters(text: string, characters: number): string {
  if (characters <= 0) return "";
  let taken = 0;
  let end = 0;
  for (const point of text) {
    if (taken === characters) break;
    end += point.length;
    taken++;
  }
  return text.slice(0, end);
}

/** Cuts `text` so it fits in `maxTokens`; `cut` says whether anything was dropped. */
export function fitToTokens(text: string, maxTokens: number): { text: string; cut: boolean } {
  if (countTokens(text) <= maxTokens) return { text, cut: false };
  return { text: takeCharacters(text, maxTokens * 4), cut: true };
}
