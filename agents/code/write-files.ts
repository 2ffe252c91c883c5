import { jsonCodec } from "../../bus/codec.ts";
import { jobIds } from "../../bus/job-ids.ts";
import { retryBudget } from "../../bus/retry-budget.ts";
import type { JobContext } from "../../bus/define-agent.ts";
import { AspError, isBudgetExceeded } from "../../errors/index.ts";
import type { DesignPackage } from "../../schemas/design.ts";
import { fileJobSchema, type DependencyFile, type FailingTest, type FileJob, type GeneratedFile } from "../../schemas/file-job.ts";
import type { ManifestEntry, Manifest } from "../../schemas/manifest.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { fileArtifactName } from "../shared/artifact-store.ts";
import { editsRefusedPrefix, fileResultCodec } from "../../schemas/file-result.ts";
import { planAllAtOnce, planWaves } from "./waves.ts";
import { keepReusedFile } from "./reused-work.ts";
import { sha256Of, storeGeneratedFile } from "./stored-file.ts";

const fileJobCodec = jsonCodec(fileJobSchema);
/** Layer 3 of the retry budget (bus/retry-budget.ts). */
export const maximumFileAttempts = retryBudget.attemptsPerFile;
/**
 * How long a file job may wait for a free writer. Its own timeout starts only when a writer takes it
 * (decision 1083); the queue is bounded apart, and the code stage's timeout bounds both.
 */
export const defaultQueueTimeoutMs = 30 * 60_000;

export interface WrittenFile {
  file: GeneratedFile;
  content: string;
}

/** What every file job of one round is built from; the callbacks give what is particular to one file. */
export interface WriteRound {
  round: number;
  language: Manifest["language"];
  sharedContext: string;
  /** Per file, from when a writer takes its job. */
  timeoutMs: number;
  /** Per file, while its job waits for a writer (default defaultQueueTimeoutMs). */
  queueTimeoutMs?: number;
  /** Review findings and build errors for this file, rendered; undefined when none concern it. */
  feedbackFor(path: string): string | undefined;
  failingTestsFor(path: string): FailingTest[];
  previousContent(path: string): string | undefined;
  /** For a modify entry: the content its writer changes (absent for every other entry). */
  currentContent?(path: string): string | undefined;
  packagesFor(path: string): DesignPackage[];
  /** The content a file not written in this round already has (the previous round's artifact). */
  existingContent(path: string): Promise<string | undefined>;
  /** True for an entry written empty with no model call (decision 1102). */
  writtenEmpty(entry: ManifestEntry): boolean;
  /** A resumed round: the round whose finished files are kept with no model call (decision 1180). */
  reuseRound?: number;
}


/**
 * The files of one round in waves along `dependsOn` (agents/code/waves.ts): every file of a wave is sent
 * at once, to whichever writers are free, longest first, and carries the current content of the files it
 * depends on, so a test is written against the source it tests. A file that fails is asked for again (a
 * fresh job id), up to three times; a wave with a file that still fails ends the round, since later waves
 * need it. Job ids derive from the code job's id, so a redelivered code job finds the files already written.
 */
export async function writeFiles(context: JobContext<AgentDeps>, entries: ManifestEntry[], job: WriteRound): Promise<WrittenFile[]> {
  const order = context.deps.codeWriteOrder ?? "waves";
  const plan = order === "waves" ? planWaves(entries) : planAllAtOnce(entries);
  const wavePaths = plan.waves.map((wave) => wave.map((entry) => entry.path));
  await context.emit("code.waves", { round: job.round, order, waves: wavePaths, fallback: plan.cycle !== undefined });
  if (plan.cycle) {
    await context.emit("code.cycle", {
      round: job.round,
      cycle: plan.cycle,
      reason: `the files depend on each other in a cycle (${plan.cycle.join(" -> ")}), so they are written in one wave, each without the new content of the others`,
    });
  }
  const written = new Map<string, WrittenFile>();
  for (const wave of plan.waves) {
    const failures: string[] = [];
    await Promise.all(
      wave.map(async (entry) => {
        const dependencyFiles = await currentContentOf(entry, written, job);
        const reused = job.reuseRound === undefined ? undefined : await context.deps.artifacts.getText(fileArtifactName(context.runId, job.reuseRound, entry.path));
        const result =
          reused !== undefined
            ? await keepReusedFile(context, entry, job.round, job.reuseRound!, reused)
            : job.writtenEmpty(entry)
              ? await writeEmpty(context, entry, job.round)
              : await writeOne(context, entry, job, dependencyFiles, failures);
        if (result) written.set(entry.path, result);
      }),
    );
    if (failures.length > 0) {
      throw new AspError(`${failures.length} file(s) could not be written after ${maximumFileAttempts} attempts: ${failures.join("; ")}`, {
        code: "files_failed",
        retryable: false,
        details: { failures },
      });
    }
  }
  // Back in manifest order for the caller.
  return entries.flatMap((entry) => written.get(entry.path) ?? []);
}

/** The files this one depends on, as they are now: written earlier in this round, or kept from before. */
async function currentContentOf(entry: ManifestEntry, written: Map<string, WrittenFile>, job: WriteRound): Promise<DependencyFile[]> {
  const files: DependencyFile[] = [];
  for (const dependency of entry.dependsOn) {
    if (dependency === entry.path) continue;
    const content = written.get(dependency)?.content ?? (await job.existingContent(dependency));
    if (content !== undefined) files.push({ path: dependency, content });
  }
  return files;
}

/** A file the manifest declares empty: stored as zero bytes, with no model call and no writer job. */
async function writeEmpty(context: JobContext<AgentDeps>, entry: ManifestEntry, round: number): Promise<WrittenFile> {
  const file = await storeGeneratedFile(context, entry, round, "", "none");
  void context.emit("file.written", { ...file, attempt: 1, continuations: 0, empty: true });
  return { file, content: "" };
}

async function writeOne(
  context: JobContext<AgentDeps>,
  entry: ManifestEntry,
  job: WriteRound,
  dependencyFiles: DependencyFile[],
  failures: string[],
): Promise<WrittenFile | undefined> {
  let lastError = "";
  const feedback = job.feedbackFor(entry.path);
  const failingTests = job.failingTestsFor(entry.path);
  const previousContent = feedback !== undefined || failingTests.length > 0 ? job.previousContent(entry.path) : undefined;
  const currentContent = job.currentContent?.(entry.path);
  let fileJob: FileJob = {
    path: entry.path,
    round: job.round,
    entry,
    language: job.language,
    sharedContext: job.sharedContext,
    ...(feedback !== undefined ? { feedback } : {}),
    failingTests,
    ...(previousContent !== undefined ? { previousContent } : {}),
    ...(currentContent !== undefined ? { currentContent } : {}),
    dependencyFiles,
    packages: job.packagesFor(entry.path),
  };
  for (let attempt = 1; attempt <= maximumFileAttempts; attempt++) {
    try {
      const reply = await context.deps.jobs.request("file-writer", fileJob, {
        runId: context.runId,
        taskId: context.taskId,
        traceId: context.traceId,
        jobId: jobIds.file(context.jobId, entry.path, attempt),
        inputCodec: fileJobCodec,
        outputCodec: fileResultCodec,
        timeoutMs: job.timeoutMs,
        queueTimeoutMs: job.queueTimeoutMs ?? defaultQueueTimeoutMs,
        // The code job's signal: when it is cancelled, its file jobs are cancelled with it.
        signal: context.signal,
      });
      const { content, metadata } = reply.output;
      if (metadata.path !== entry.path || metadata.sha256 !== sha256Of(content)) {
        throw new AspError(`the writer's reply for ${entry.path} does not match (path ${metadata.path}, checksum ${metadata.sha256.slice(0, 8)})`, { code: "file_mismatch", retryable: true });
      }
      const file = await storeGeneratedFile(context, entry, job.round, content, metadata.writer);
      // Not awaited: the job runtime stores every event of the code job before its result.
      void context.emit("file.written", { ...file, attempt, continuations: Number(metadata.continuations) });
      return { file, content };
    } catch (error) {
      // A spent budget, or a code job given up (cancelled, handed back): asking again cannot help.
      if (isBudgetExceeded(error) || context.signal.aborted) throw error;
      lastError = (error as Error).message;
      await context.emit("file.failed", { path: entry.path, round: job.round, attempt, error: lastError });
      // Refused edits go back to the next attempt with the reason (decision 1200); the file was not changed.
      const refused = lastError.indexOf(editsRefusedPrefix);
      if (refused >= 0) fileJob = { ...fileJob, rejectedEdits: lastError.slice(refused + editsRefusedPrefix.length) };
    }
  }
  failures.push(`${entry.path}: ${lastError}`);
  return undefined;
}
