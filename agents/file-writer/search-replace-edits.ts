/**
 * Search/replace edits in plain text (decision 1200): a writer changing a large file may answer with blocks
 *
 *   <<<<<<< SEARCH
 *   lines as they are now
 *   =======
 *   lines as they should be
 *   >>>>>>> REPLACE
 *
 * instead of the whole file. Plain text, not JSON, for the reason the manifest holds no code: nothing in
 * them is escaped. Each SEARCH text must occur exactly once in the file as the edits before it left it.
 */
export interface SearchReplaceEdit {
  search: string;
  replace: string;
}

const searchMarker = "<<<<<<< SEARCH";
const dividerMarker = "=======";
const replaceMarker = ">>>>>>> REPLACE";

/** True when a reply is meant as edits: its first non-blank line opens a SEARCH block. */
export function looksLikeEdits(reply: string): boolean {
  const firstLine = reply.split("\n").find((line) => line.trim() !== "");
  return firstLine?.trimEnd() === searchMarker;
}

export type ParsedEdits = { ok: true; edits: SearchReplaceEdit[] } | { ok: false; problem: string };

/** The blocks of a reply, or the first problem of its format (a block left open, text between blocks). */
export function parseEdits(reply: string): ParsedEdits {
  const lines = reply.split("\n");
  const edits: SearchReplaceEdit[] = [];
  let index = 0;
  while (index < lines.length) {
    if (lines[index]!.trim() === "") {
      index += 1;
      continue;
    }
    if (lines[index]!.trimEnd() !== searchMarker) {
      return { ok: false, problem: `line ${index + 1} is outside any edit block: every edit starts with "${searchMarker}"` };
    }
    const divider = lines.findIndex((line, position) => position > index && line.trimEnd() === dividerMarker);
    const end = lines.findIndex((line, position) => position > divider && line.trimEnd() === replaceMarker);
    if (divider < 0 || end < 0) return { ok: false, problem: `edit ${edits.length + 1} is not closed: it needs a "${dividerMarker}" line and then a "${replaceMarker}" line` };
    edits.push({ search: joinLines(lines.slice(index + 1, divider)), replace: joinLines(lines.slice(divider + 1, end)) });
    index = end + 1;
  }
  if (edits.length === 0) return { ok: false, problem: "the reply has no edit block" };
  return { ok: true, edits };
}

/** Lines of a block with their line ends, so a SEARCH text matches whole lines of the file. */
function joinLines(lines: string[]): string {
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

function occurrences(text: string, search: string): number {
  let count = 0;
  for (let position = text.indexOf(search); position >= 0; position = text.indexOf(search, position + 1)) count += 1;
  return count;
}

export type AppliedEdits = { ok: true; content: string } | { ok: false; problems: string[] };

/**
 * Applies every edit in order to a copy of the content, or none: when one does not apply, the content is
 * returned untouched with every problem, so a file is never left half edited.
 */
export function applyEdits(content: string, edits: SearchReplaceEdit[]): AppliedEdits {
  // A file without a final newline still matches a SEARCH block that ends on its last line.
  const missingFinalNewline = content !== "" && !content.endsWith("\n");
  let current = missingFinalNewline ? `${content}\n` : content;
  const problems: string[] = [];
  edits.forEach((edit, position) => {
    const label = `edit ${position + 1} of ${edits.length}`;
    if (edit.search === "") {
      problems.push(`${label} has an empty SEARCH text; quote the lines to replace`);
      return;
    }
    const count = occurrences(current, edit.search);
    if (count === 0) problems.push(`${label}: the SEARCH text does not occur in the file (quote the current lines exactly, with their indentation):\n${edit.search}`);
    else if (count > 1) problems.push(`${label}: the SEARCH text occurs ${count} times in the file; add neighbouring lines so it occurs once:\n${edit.search}`);
    else current = current.replace(edit.search, () => edit.replace);
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, content: missingFinalNewline && current.endsWith("\n") ? current.slice(0, -1) : current };
}
