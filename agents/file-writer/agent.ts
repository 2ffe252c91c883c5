import { createHash } from "node:crypto";
import type { RawFile } from "../../bus/codec.ts";
import { defineAgent } from "../../bus/define-agent.ts";
import { actionOf } from "../../schemas/manifest.ts";
import { fileJobSchema, type FileJob, type FileResultHeaders } from "../../schemas/file-job.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { modelForJob } from "../shared/model-for-job.ts";
import { renderDependencyFiles, renderFailingTests, renderPackagesToDeclare, renderPreviousContent } from "../shared/render.ts";
import { isEmptyMarkerFile } from "../shared/empty-files.ts";
import { checkFileContent } from "./content-checks.ts";
import { ValidationError } from "../../errors/index.ts";
import { editsRefusedPrefix, fileResultCodec } from "../../schemas/file-result.ts";
import { renderCurrentContent, renderRejectedEdits } from "./render-change.ts";
import { applyEdits, looksLikeEdits, parseEdits } from "./search-replace-edits.ts";

/** A model that replies with nothing for a declared-empty or marker file has answered (decision 1102). */
export function mayBeEmpty(job: FileJob): boolean {
  // A modified file's estimate counts changed lines, so 0 there does not declare it empty.
  if (actionOf(job.entry) === "modify") return false;
  return job.entry.estimatedLines === 0 || isEmptyMarkerFile(job.path);
}

/**
 * The values of the writer's prompt, one placeholder per piece of information, so a negative control can
 * remove exactly one of them from a copy of prompts/ (decision 1105). Each is "" when it does not apply.
 */
export function writerPromptValues(job: FileJob): Record<string, string | number> {
  return {
    path: job.path,
    type: job.entry.type,
    purpose: job.entry.purpose,
    componentId: job.entry.componentId,
    unitId: job.entry.unitId,
    estimatedLines: job.entry.estimatedLines,
    dependsOn: job.entry.dependsOn.join(", ") || "nothing else in the project",
    dependencyFiles: renderDependencyFiles(job.dependencyFiles ?? []),
    packages: renderPackagesToDeclare(job.path, job.packages ?? []),
    feedback: job.feedback ?? "",
    failingTests: renderFailingTests(job.failingTests ?? []),
    previousContent: renderPreviousContent(job.previousContent),
    currentContent: renderCurrentContent(job.path, actionOf(job.entry) === "modify" ? job.currentContent : undefined),
    rejectedEdits: renderRejectedEdits(job.rejectedEdits),
  };
}

/**
 * The file's new content from a writer's reply: the reply itself, or for a `modify` entry answered with
 * search/replace edits, the current content with every edit applied. Edits that do not all apply are
 * refused with the reasons (decision 1200); nothing is returned, so nothing is stored.
 */
export function contentFromReply(job: FileJob, reply: string): string {
  if (actionOf(job.entry) !== "modify" || job.currentContent === undefined || !looksLikeEdits(reply)) return reply;
  const parsed = parseEdits(reply);
  if (!parsed.ok) throw new ValidationError(`${editsRefusedPrefix}${parsed.problem}`, { code: "edits_not_applied", details: { path: job.path } });
  const applied = applyEdits(job.currentContent, parsed.edits);
  if (!applied.ok) throw new ValidationError(`${editsRefusedPrefix}${applied.problems.join("; ")}`, { code: "edits_not_applied", details: { path: job.path } });
  return applied.content;
}

/** Room for the whole file: a modified file may be answered in full, so its current size counts too. */
function maximumTokens(job: FileJob): number {
  const currentLines = actionOf(job.entry) === "modify" && job.currentContent ? job.currentContent.split("\n").length : 0;
  return Math.min(16_000, 2_000 + (job.entry.estimatedLines + currentLines) * 24);
}

/**
 * One file, one model call, raw text back: the content goes from the model's text to the
 * message body byte for byte, and is never escaped into JSON on the way.
 */
export const fileWriterAgent = defineAgent<FileJob, RawFile<FileResultHeaders>, AgentDeps>({
  name: "file-writer",
  version: "1.1.0",
  description: "Writes the raw content of one file of the manifest",
  input: fileJobSchema,
  output: fileResultCodec,
  async handle(job, context) {
    const { prompts } = context.deps;
    const model = modelForJob(context);
    // Not awaited: the job runtime stores it before the result (decision 0009), the model call need not wait.
    void context.emit("file.started", { path: job.path, round: job.round, writer: context.instanceId });
    const result = await model.text({
      agent: "file-writer",
      file: job.path,
      round: job.round,
      system: await prompts.render("file-writer/system", 1),
      cachedContext: job.sharedContext,
      prompt: await prompts.render("file-writer/user", 1, writerPromptValues(job)),
      maxTokens: maximumTokens(job),
      allowEmpty: mayBeEmpty(job),
    });
    const content = contentFromReply(job, result.text);
    checkFileContent(job.path, content);
    const bytes = Buffer.byteLength(content, "utf8");
    return {
      content,
      metadata: {
        path: job.path,
        sha256: createHash("sha256").update(content, "utf8").digest("hex"),
        bytes: String(bytes),
        writer: context.instanceId,
        continuations: String(result.continuations),
      },
    };
  },
});
