// @ts-check
/**
 * A reviewer plug-in that lives outside the asp repository: it installs the package and imports
 * only its public API ("agentic-software-process", its "/schemas" and, in its tests, "/testing"), as a plug-in written
 * by someone else would. It takes the same job as the built-in reviewers on
 * `<ns>.jobs.review-size` and flags each source file longer than REVIEW_SIZE_MAX_LINES lines
 * (default 400) as a `low` maintainability finding: a nudge, never a gate failure on its own.
 *
 *   npm install && NATS_URL=nats://127.0.0.1:4222 npm start
 */
import { defineAgent, runAgentProcess } from "agentic-software-process";
import { reviewerJobSchema, reviewerReplySchema } from "agentic-software-process/schemas";

/** @typedef {import("agentic-software-process/schemas").ReviewerJob} ReviewerJob */
/** @typedef {import("agentic-software-process/schemas").ReviewerReply} ReviewerReply */

const sourceFile = /\.(py|js|mjs|cjs|ts|tsx|jsx|go|rs|java|kt|c|h|cc|cpp|hpp|cs|rb|php|sh|swift)$/i;

/**
 * The whole rule, pure: files in, reply out.
 * @param {ReviewerJob} job
 * @param {number} maxLines
 * @returns {ReviewerReply}
 */
export function reviewSize(job, maxLines) {
  if (!job.files) return { summary: "file sizes are checked on code; nothing to check at this gate", findings: [], resolved: [] };
  const sources = job.files.filter((file) => sourceFile.test(file.path));
  const long = sources
    .map((file) => ({ path: file.path, lines: file.content === "" ? 0 : file.content.replace(/\n$/, "").split("\n").length }))
    .filter((file) => file.lines > maxLines);
  return {
    summary: `${long.length} of ${sources.length} source file(s) are longer than ${maxLines} lines`,
    findings: long.map((file) => ({
      severity: "low",
      category: "maintainability",
      description: `${file.path} has ${file.lines} lines, more than the ${maxLines} this project allows`,
      recommendation: "Split it into smaller modules, one concept each",
      defectType: "function",
      target: "code",
      file: file.path,
      line: maxLines + 1,
    })),
    resolved: [],
  };
}

/** Read once, at start-up: a handler never reads the environment (docs/plugins.md). */
function readMaxLines() {
  const text = process.env.REVIEW_SIZE_MAX_LINES ?? "400";
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`REVIEW_SIZE_MAX_LINES must be a whole number of lines, at least 1 (got "${text}")`);
  return value;
}

export const reviewSizeAgent = defineAgent({
  name: "review-size",
  version: "1.0.0",
  description: "Plug-in reviewer: flags source files longer than REVIEW_SIZE_MAX_LINES (no model call)",
  input: reviewerJobSchema,
  output: reviewerReplySchema,
  concurrency: 4,
  /**
   * @param {ReviewerJob} job
   * @param {import("agentic-software-process").JobContext<{ maxLines: number }>} context
   */
  async handle(job, context) {
    return reviewSize(job, context.deps.maxLines);
  },
});

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const maxLines = readMaxLines();
  await runAgentProcess(reviewSizeAgent, { buildDeps: () => ({ maxLines }) });
}
