/**
 * The pieces of a writer's prompt for a `modify` entry, each its own placeholder (decision 1105), so a
 * negative control can take the current content or the refusal reason out of a copy of prompts/.
 */
export function renderCurrentContent(path: string, content: string | undefined): string {
  if (content === undefined) return "";
  const body = content.endsWith("\n") || content === "" ? content : `${content}\n`;
  return [
    "",
    `This file exists: change it as the task asks and keep everything else as it is. Its current content is:`,
    `<current path="${path}">`,
    `${body}</current>`,
    "Reply with the whole new content of the file, or, for a large file, only with search/replace edits, each one:",
    "<<<<<<< SEARCH",
    "the current lines, exactly as they are, enough of them to occur once in the file",
    "=======",
    "the lines that replace them",
    ">>>>>>> REPLACE",
    "",
  ].join("\n");
}

export function renderRejectedEdits(reason: string | undefined): string {
  if (reason === undefined) return "";
  return `\nYour previous edits of this file were refused, and nothing was changed: ${reason}\n`;
}
