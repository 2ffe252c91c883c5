import { z } from "zod";
import { defineAgent } from "../../bus/define-agent.ts";
import { designSchema } from "../../schemas/design.ts";
import { codeResultSchema } from "../../schemas/file-job.ts";
import { reviewSchema, type Review } from "../../schemas/review.ts";
import { builtInReviewerAgents } from "../../schemas/reviewer-job.ts";
import { stageInputSchema } from "../../schemas/run.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { reviewAtGate } from "../shared/gate-review.ts";
import { codeVerdict } from "../shared/verdict.ts";
import { checkCode } from "./automated-checks.ts";

const codeReviewInputSchema = stageInputSchema.and(z.object({ design: designSchema, code: codeResultSchema, codeReview: z.unknown().optional() }));
type CodeReviewInput = z.infer<typeof codeReviewInputSchema>;

export const codeReviewAgent = defineAgent<CodeReviewInput, Review, AgentDeps>({
  name: "code-review",
  version: "1.0.0",
  description: "Automated code checks plus specialist reviewers (and plug-in reviewers) in parallel",
  input: codeReviewInputSchema,
  output: reviewSchema,
  async handle(input, context) {
    const files = await Promise.all(
      input.code.files.map(async (file) => ({
        path: file.path,
        type: file.type,
        content: (await context.deps.artifacts.getText(file.artifact)) ?? "",
      })),
    );
    const paths = new Set(files.map((file) => file.path));
    // A change request's reviewers read what the run wrote, not the repository it changes (decision 1201); the
    // automated checks see every file, so an import of an unchanged module still resolves.
    const unchanged = new Set(input.code.files.filter((file) => file.writer === "repository").map((file) => file.path));
    const reviewed = files.filter((file) => !unchanged.has(file.path));
    return reviewAtGate(context, {
      gate: "code-review",
      reviewers: [...builtInReviewerAgents, ...input.reviewers],
      job: { gate: "code-review", task: input.task, design: input.design, files: reviewed },
      automated: checkCode(files, new Set(input.code.manifest.files.filter((entry) => entry.estimatedLines === 0).map((entry) => entry.path))).map((finding) => ({ ...finding, reviewer: "automated-checks" })),
      previousReview: input.codeReview,
      verdictOf: codeVerdict,
      describe: `over ${reviewed.length} files`,
      // A finding that names a file outside the project cannot be acted on; keep it, unattached.
      adjust: (finding) => (finding.file && !paths.has(finding.file) ? { ...finding, file: undefined } : finding),
    });
  },
});
