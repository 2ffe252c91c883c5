/** Lines of a text as PSP counts them: a final newline ends the last line rather than starting another. */
export function lineCount(content: string): number {
  return content === "" ? 0 : content.split("\n").length - (content.endsWith("\n") ? 1 : 0);
}
