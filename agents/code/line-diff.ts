import type { LineCounts } from "../../schemas/change-size.ts";

export function splitLines(content: string): string[] {
  if (content === "") return [];
  const lines = content.split("\n");
  if (content.endsWith("\n")) lines.pop();
  return lines;
}

/** Above this many cells the middle of two files is counted as one hunk rather than aligned line by line. */
const largestTable = 4_000_000;

/**
 * The hunks of a line diff: for each run of changed lines between two unchanged ones, how many lines were
 * deleted and how many added. Common prefix and suffix are cut first; the middle is aligned on a longest
 * common subsequence, so a line kept between two changes splits them into two hunks.
 */
export function diffHunks(before: string[], after: string[]): Array<{ deleted: number; added: number }> {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start += 1;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore -= 1;
    endAfter -= 1;
  }
  const left = before.slice(start, endBefore);
  const right = after.slice(start, endAfter);
  if (left.length === 0 && right.length === 0) return [];
  if (left.length === 0 || right.length === 0 || left.length * right.length > largestTable) return [{ deleted: left.length, added: right.length }];
  // lengths[i][j]: the longest common subsequence of left[i..] and right[j..].
  const width = right.length + 1;
  const lengths = new Uint32Array((left.length + 1) * width);
  for (let i = left.length - 1; i >= 0; i--) {
    for (let j = right.length - 1; j >= 0; j--) {
      lengths[i * width + j] = left[i] === right[j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const hunks: Array<{ deleted: number; added: number }> = [];
  let current = { deleted: 0, added: 0 };
  const close = () => {
    if (current.deleted + current.added > 0) hunks.push(current);
    current = { deleted: 0, added: 0 };
  };
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i < left.length && j < right.length && left[i] === right[j]) {
      close();
      i += 1;
      j += 1;
    } else if (j < right.length && (i === left.length || lengths[i * width + j + 1]! >= lengths[(i + 1) * width + j]!)) {
      current.added += 1;
      j += 1;
    } else {
      current.deleted += 1;
      i += 1;
    }
  }
  close();
  return hunks;
}

/**
 * PSP counts of one file's change (decision 1202): within each hunk, a deleted line paired with an added
 * one is modified (changed in place); the rest of the hunk is added or deleted. Base is the old line count.
 */
export function countChange(before: string | undefined, after: string | undefined): LineCounts {
  const old = splitLines(before ?? "");
  const hunks = diffHunks(old, splitLines(after ?? ""));
  const counts: LineCounts = { base: old.length, added: 0, modified: 0, deleted: 0 };
  for (const hunk of hunks) {
    const paired = Math.min(hunk.deleted, hunk.added);
    counts.modified += paired;
    counts.added += hunk.added - paired;
    counts.deleted += hunk.deleted - paired;
  }
  return counts;
}
