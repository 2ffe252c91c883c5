/**
 * Removes ONE markdown fence that wraps the whole output ("```lang\n...\n```"), keeping
 * the inside byte for byte, its final line break included. Output that merely contains
 * fences (a README with examples) or that has several top-level fences is left alone.
 */
export function stripWrappingFence(text: string): string {
  const opening = /^[ \t]*(`{3,})[^\r\n`]*\r?\n/.exec(text.replace(/^(\r?\n)+/, ""));
  if (!opening) return text;
  const leading = text.length - text.replace(/^(\r?\n)+/, "").length;
  const ticks = opening[1] as string;
  const body = text.slice(leading + opening[0].length);
  const closing = new RegExp(`(^|\\n)[ \\t]*${ticks}[ \\t]*(\\r?\\n)*[ \\t]*$`).exec(body);
  if (!closing) return text;
  const inside = body.slice(0, closing.index + closing[1]!.length);
  // A line opening or closing a fence of the same length inside means these are separate blocks.
  if (new RegExp(`(^|\\n)[ \\t]*${ticks}(?!\`)`).test(inside)) return text;
  return inside;
}
