import { z } from "zod";
import { defineAgent } from "../../bus/define-agent.ts";
import { designSchema } from "../../schemas/design.ts";
import { codeResultSchema, type CodeResult } from "../../schemas/file-job.ts";
import { actionOf, manifestSchema } from "../../schemas/manifest.ts";
import { repositorySchema } from "../../schemas/repository.ts";
import { planSchema } from "../../schemas/plan.ts";
import { stageInputSchema } from "../../schemas/run.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { renderDesign, renderManifest, taskValues } from "../shared/render.ts";
import { findUnresolvedImports } from "../shared/check-imports.ts";
import { packagesForFile } from "./dependency-files.ts";
import { failuresForFile, findingsForFile, namedByFeedback } from "./feedback-for-file.ts";
import { planManifest } from "./plan-manifest.ts";
import { filesNotNamed, measureChange } from "./repository-base.ts";
import { filesToRegenerate } from "./select-files.ts";
import { writeFiles } from "./write-files.ts";
import { reusedManifest, storeManifest } from "./reused-work.ts";

const codeInputSchema = stageInputSchema.and(z.object({ plan: planSchema, design: designSchema, code: codeResultSchema.optional(), repository: repositorySchema.optional() }));
type CodeInput = z.infer<typeof codeInputSchema>;

export const codeAgent = defineAgent<CodeInput, CodeResult, AgentDeps>({
  name: "code",
  version: "1.1.0",
  description: "Plans the files as a small JSON manifest, then has the writer pool write each file as raw text, in waves along dependsOn",
  input: codeInputSchema,
  output: codeResultSchema,
  async handle(input, context) {
    const { prompts, artifacts } = context.deps;
    const previous = input.code;
    const repository = input.repository;
    const reused = previous?.manifest ? undefined : await reusedManifest(context, input.resumeRound);
    const manifest = previous?.manifest ? manifestSchema.parse(previous.manifest) : (reused ?? (await planManifest(context, input)));
    // Kept for a resume: a round that stops after planning need not plan again (decision 1180).
    await storeManifest(context, input.round, manifest);
    await context.emit("manifest.ready", {
      language: manifest.language,
      files: manifest.files.map((entry) => ({ path: entry.path, action: actionOf(entry), type: entry.type, estimatedLines: entry.estimatedLines, dependsOn: entry.dependsOn })),
    });

    // A deleted file has no writer: it is only left out of the result (and out of the branch's commit).
    const entries = (previous ? filesToRegenerate(manifest, input.feedback) : manifest.files).filter((entry) => actionOf(entry) !== "delete");
    // The repository's own files first, so a later round's version of a file replaces its base.
    const previousByPath = new Map([...(repository?.files ?? []).map((file) => [file.path, { artifact: file.artifact }] as const), ...(previous?.files ?? []).map((file) => [file.path, file] as const)]);
    const sharedContext = await prompts.render("file-writer/shared-context", 1, {
      ...taskValues(input.task),
      design: renderDesign(input.design),
      manifest: renderManifest(manifest),
    });
    // The previous round's content of any file, read once: a rewritten file's own old version, and
    // what a rewritten file depends on when that dependency is not rewritten this round.
    const previousContents = new Map<string, Promise<string | undefined>>();
    const previousContent = (path: string): Promise<string | undefined> => {
      let content = previousContents.get(path);
      if (!content) {
        const artifact = previousByPath.get(path)?.artifact;
        content = artifact ? artifacts.getText(artifact) : Promise.resolve(undefined);
        previousContents.set(path, content);
      }
      return content;
    };
    const ownPrevious = new Map<string, string>();
    if (previous && input.feedback) {
      for (const entry of entries) {
        const text = await previousContent(entry.path);
        if (text !== undefined) ownPrevious.set(entry.path, text);
      }
    }
    // What a modify writer changes: the latest version of the file, the repository's until this run rewrote it.
    const currentContents = new Map<string, string>();
    for (const entry of entries) {
      if (actionOf(entry) !== "modify") continue;
      const text = await previousContent(entry.path);
      if (text !== undefined) currentContents.set(entry.path, text);
    }
    const named = namedByFeedback(input.feedback);
    const written = await writeFiles(context, entries, {
      round: input.round,
      language: manifest.language,
      sharedContext,
      feedbackFor: (path) => findingsForFile(input.feedback, path),
      failingTestsFor: (path) => failuresForFile(input.feedback, manifest, path),
      previousContent: (path) => ownPrevious.get(path),
      currentContent: (path) => currentContents.get(path),
      packagesFor: (path) => packagesForFile(path, input.design.packages ?? []),
      existingContent: previousContent,
      // Declared empty: written with no model call, unless a gate named the file itself (decision 1102).
      writtenEmpty: (entry) => actionOf(entry) === "create" && entry.estimatedLines === 0 && !named.has(entry.path),
      timeoutMs: 300_000,
      ...(input.resumeRound !== undefined ? { reuseRound: input.resumeRound } : {}),
    });

    const writtenByPath = new Map(written.map((result) => [result.file.path, result]));
    const kept = manifest.files.filter((entry) => actionOf(entry) !== "delete");
    const previousFiles = new Map((previous?.files ?? []).map((file) => [file.path, file]));
    const manifestFiles = kept.map((entry) => writtenByPath.get(entry.path)?.file ?? previousFiles.get(entry.path));
    const missing = kept.filter((_entry, index) => !manifestFiles[index]).map((entry) => entry.path);
    if (missing.length > 0) throw new Error(`files of the manifest are missing from the result: ${missing.join(", ")}`);
    // The project the later stages see: the run's files plus every repository file the manifest does not name.
    const files = [...manifestFiles, ...filesNotNamed(repository, manifest)];

    const contents = await Promise.all(
      files.map(async (file) => ({ path: file!.path, content: writtenByPath.get(file!.path)?.content ?? (await artifacts.getText(file!.artifact)) ?? "" })),
    );
    const warnings = findUnresolvedImports(contents).map((problem) => `${problem.file} imports ${problem.imports.join(", ")}, which no manifest file provides`);
    const contentByPath = new Map(contents.map((file) => [file.path, file.content]));
    const changes = repository ? await measureChange(repository, manifest, async (path) => contentByPath.get(path), artifacts) : undefined;
    if (changes) await context.emit("code.changes", { round: input.round, base: changes.base, added: changes.added, modified: changes.modified, deleted: changes.deleted });
    return {
      manifest,
      files: files.map((file) => file!),
      round: input.round,
      regenerated: entries.map((entry) => entry.path),
      warnings,
      ...(changes ? { changes, deleted: manifest.files.filter((entry) => actionOf(entry) === "delete").map((entry) => entry.path) } : {}),
    };
  },
});
