import { z } from "zod";
import { defineAgent } from "../../bus/define-agent.ts";
import { designSchema } from "../../schemas/design.ts";
import { codeResultSchema, type CodeResult } from "../../schemas/file-job.ts";
import { manifestSchema } from "../../schemas/manifest.ts";
import { planSchema } from "../../schemas/plan.ts";
import { stageInputSchema } from "../../schemas/run.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { modelForJob } from "../shared/model-for-job.ts";
import { renderDesign, renderFeedback, renderManifest, taskValues } from "../shared/render.ts";
import { findUnresolvedImports } from "./check-imports.ts";
import { filesToRegenerate } from "./select-files.ts";
import { validateManifest } from "./validate-manifest.ts";
import { writeFiles } from "./write-files.ts";

const codeInputSchema = stageInputSchema.and(z.object({ plan: planSchema, design: designSchema, code: codeResultSchema.optional() }));
type CodeInput = z.infer<typeof codeInputSchema>;

export const codeAgent = defineAgent<CodeInput, CodeResult, AgentDeps>({
  name: "code",
  version: "1.0.0",
  description: "Plans the files as a small JSON manifest, then has the writer pool write each file as raw text",
  input: codeInputSchema,
  output: codeResultSchema,
  async handle(input, context) {
    const { prompts, artifacts } = context.deps;
    const previous = input.code;
    let manifest = previous?.manifest ? manifestSchema.parse(previous.manifest) : undefined;
    if (!manifest) {
      manifest = await modelForJob(context).structured({
        agent: "code",
        schema: manifestSchema,
        toolName: "submit_manifest",
        toolDescription: "Submit the list of files of the project (no file content)",
        system: await prompts.render("code/manifest-system", 1),
        prompt: await prompts.render("code/manifest-user", 1, {
          ...taskValues(input.task),
          design: renderDesign(input.design),
          feedback: renderFeedback(input.feedback),
        }),
        maxTokens: 8000,
      });
      validateManifest(manifest, input.design, input.plan);
    }
    await context.emit("manifest.ready", { files: manifest.files.map((entry) => ({ path: entry.path, type: entry.type, estimatedLines: entry.estimatedLines })) });

    const entries = previous ? filesToRegenerate(manifest, input.feedback) : manifest.files;
    const previousByPath = new Map((previous?.files ?? []).map((file) => [file.path, file]));
    const sharedContext = await prompts.render("file-writer/shared-context", 1, {
      title: input.task.title,
      description: input.task.description,
      design: renderDesign(input.design),
      manifest: renderManifest(manifest),
    });
    const previousContents = new Map<string, string>();
    if (previous && input.feedback) {
      for (const entry of entries) {
        const artifact = previousByPath.get(entry.path)?.artifact;
        const text = artifact ? await artifacts.getText(artifact) : undefined;
        if (text !== undefined) previousContents.set(entry.path, text);
      }
    }
    const written = await writeFiles(context, entries, {
      round: input.round,
      sharedContext,
      feedbackFor: (path) => (input.feedback ? renderFeedback(input.feedback, path) : undefined),
      previousContent: (path) => previousContents.get(path),
      timeoutMs: 300_000,
    });

    const writtenByPath = new Map(written.map((result) => [result.file.path, result]));
    const files = manifest.files.map((entry) => writtenByPath.get(entry.path)?.file ?? previousByPath.get(entry.path));
    const missing = manifest.files.filter((_entry, index) => !files[index]).map((entry) => entry.path);
    if (missing.length > 0) throw new Error(`files of the manifest are missing from the result: ${missing.join(", ")}`);

    const contents = await Promise.all(
      files.map(async (file) => ({ path: file!.path, content: writtenByPath.get(file!.path)?.content ?? (await artifacts.getText(file!.artifact)) ?? "" })),
    );
    const warnings = findUnresolvedImports(contents).map((problem) => `${problem.file} imports ${problem.imports.join(", ")}, which no manifest file provides`);
    return {
      manifest,
      files: files.map((file) => file!),
      round: input.round,
      regenerated: entries.map((entry) => entry.path),
      warnings,
    };
  },
});
