import { z } from "zod";
import { defineAgent } from "../../bus/define-agent.ts";
import { designSchema } from "../../schemas/design.ts";
import { codeResultSchema } from "../../schemas/file-job.ts";
import { reviewSchema, type Review } from "../../schemas/review.ts";
import { stageInputSchema } from "../../schemas/run.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { fanOutReviewers } from "../shared/fan-out-reviewers.ts";
import { assembleReview } from "../shared/review-outcome.ts";
import { codeVerdict, mergeFindings } from "../shared/verdict.ts";
import { builtInSpecialties } from "../reviewer/agent.ts";
import { checkCode } from "./automated-checks.ts";

const codeReviewInputSchema = stageInputSchema.and(z.object({ design: designSchema, code: codeResultSchema }));
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
    const automated = checkCode(files).map((finding) => ({ ...finding, reviewer: "automated-checks" }));
    const reviewers = [...builtInSpecialties.map((specialty) => `review-${specialty}`), ...input.reviewers];
    const outcomes = await fanOutReviewers(context, reviewers, { gate: "code-review", task: input.task, design: input.design, files }, { timeoutMs: 300_000 });
    const paths = new Set(files.map((file) => file.path));
    // A finding that names a file outside the project cannot be acted on; keep it, unattached.
    const findings = mergeFindings([...automated, ...outcomes.flatMap((outcome) => outcome.findings)]).map((finding) =>
      finding.file && !paths.has(finding.file) ? { ...finding, file: undefined } : finding,
    );
    const reviewerFailed = outcomes.some((outcome) => outcome.status === "error");
    return assembleReview({ verdict: codeVerdict(findings, reviewerFailed), findings, automatedFindings: automated.length, outcomes, describe: `over ${files.length} files` });
  },
});
