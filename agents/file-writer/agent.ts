import { createHash } from "node:crypto";
import { rawFileCodec, type RawFile } from "../../bus/codec.ts";
import { defineAgent } from "../../bus/define-agent.ts";
import { fileJobSchema, fileResultHeadersSchema, type FileJob, type FileResultHeaders } from "../../schemas/file-job.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { modelForJob } from "../shared/model-for-job.ts";
import { renderDependencyFiles, renderFailingTests, renderPackagesToDeclare, renderPreviousContent } from "../shared/render.ts";
import { isEmptyMarkerFile } from "../shared/empty-files.ts";
import { checkFileContent } from "./content-checks.ts";

export const fileResultCodec = rawFileCodec(fileResultHeadersSchema);

/** A model that replies with nothing for a declared-empty or marker file has answered (decision 1102). */
export function mayBeEmpty(job: FileJob): boolean {
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
  };
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
      maxTokens: Math.min(16_000, 2_000 + job.entry.estimatedLines * 24),
      allowEmpty: mayBeEmpty(job),
    });
    checkFileContent(job.path, result.text);
    const bytes = Buffer.byteLength(result.text, "utf8");
    return {
      content: result.text,
      metadata: {
        path: job.path,
        sha256: createHash("sha256").update(result.text, "utf8").digest("hex"),
        bytes: String(bytes),
        writer: context.instanceId,
        continuations: String(result.continuations),
      },
    };
  },
});
