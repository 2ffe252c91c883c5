/**
 * A plug-in reviewer in one file, outside the core: it takes the same job as the built-in
 * specialist reviewers (schemas/reviewer-job.ts) and answers with the same reply
 * (schemas/review.ts), on its own subject `<ns>.jobs.review-license`. List "review-license"
 * under a stage's `reviewers` in a pipeline file and the gate consults it. It makes no model call.
 *
 * Rule: a project is licensed when it ships a LICENSE (or COPYING) file, or when every source
 * file names its licence in an SPDX header (`SPDX-License-Identifier:` in its first 5 lines).
 * A project with neither gets one high finding per source file without a header, which fails
 * the code-review gate.
 *
 *   node --import tsx examples/plugins/license-check.ts     (NATS_URL, ASP_NAMESPACE as for any agent)
 */
import path from "node:path";
import { defineAgent, runAgentProcess } from "../../bus/index.ts";
import { reviewerJobSchema, type ReviewerJob } from "../../schemas/reviewer-job.ts";
import { reviewerReplySchema, type Finding, type ReviewerReply } from "../../schemas/review.ts";

export const licenseFileNames = /^(LICEN[CS]E|COPYING)(\.(md|txt|rst))?$/i;
const sourceExtensions = new Set([".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".rs", ".java", ".kt", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".rb", ".php", ".sh", ".swift"]);
const headerLines = 5;

export function hasLicenseHeader(content: string): boolean {
  return content.split("\n", headerLines).some((line) => line.includes("SPDX-License-Identifier:"));
}

export function isSourceFile(filePath: string): boolean {
  return sourceExtensions.has(path.extname(filePath).toLowerCase());
}

/** The whole rule, pure: files in, reply out. */
export function reviewLicensing(job: ReviewerJob): ReviewerReply {
  if (job.gate !== "code-review" || !job.files) {
    return { summary: "licensing is checked on code; nothing to check at this gate", findings: [], resolved: [] };
  }
  const licenseFile = job.files.find((file) => licenseFileNames.test(path.basename(file.path)));
  const sources = job.files.filter((file) => isSourceFile(file.path) && file.content.trim() !== "");
  if (licenseFile) {
    return { summary: `licensed by ${licenseFile.path}; ${sources.length} source file(s) inherit it`, findings: [], resolved: [] };
  }
  const missing = sources.filter((file) => !hasLicenseHeader(file.content));
  const findings: Finding[] = missing.map((file) => ({
    severity: "high",
    category: "licensing",
    description: `${file.path} has no SPDX-License-Identifier header and the project has no LICENSE file, so its licence is unknown`,
    recommendation: "Add a LICENSE file at the project root, or start the file with a comment such as `SPDX-License-Identifier: MIT`",
    defectType: "documentation",
    target: "code",
    file: file.path,
    line: 1,
    // A fact the check established, not an opinion: the gate's evidence rule keeps it high.
    evidence: `none of the ${job.files!.length} project files is a LICENSE file, and ${file.path} has no SPDX-License-Identifier line`,
  }));
  return {
    summary: missing.length === 0 ? `all ${sources.length} source file(s) carry an SPDX header` : `${missing.length} of ${sources.length} source file(s) have no licence (no LICENSE file, no SPDX header)`,
    findings,
    // This check does not follow earlier findings: one that is fixed is simply not raised again.
    resolved: [],
  };
}

export const licenseCheckAgent = defineAgent<ReviewerJob, ReviewerReply, Record<string, never>>({
  name: "review-license",
  version: "1.0.0",
  description: "Plug-in reviewer: fails code without a LICENSE file or SPDX headers (no model call)",
  input: reviewerJobSchema,
  output: reviewerReplySchema,
  concurrency: 4,
  async handle(job, context) {
    const reply = reviewLicensing(job);
    context.logger.info({ findings: reply.findings.length }, "licence review done");
    return reply;
  },
});

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (invokedDirectly) {
  await runAgentProcess(licenseCheckAgent, { buildDeps: () => ({}) });
}
