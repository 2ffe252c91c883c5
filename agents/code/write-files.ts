import { createHash } from "node:crypto";
import { jsonCodec } from "../../bus/codec.ts";
import type { JobContext } from "../../bus/define-agent.ts";
import { AspError, isBudgetExceeded } from "../../errors/index.ts";
import { fileJobSchema, type FileJob, type GeneratedFile } from "../../schemas/file-job.ts";
import type { ManifestEntry } from "../../schemas/manifest.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { fileArtifactName } from "../shared/artifact-store.ts";
import { fileResultCodec } from "../file-writer/agent.ts";

const fileJobCodec = jsonCodec(fileJobSchema);
export const maximumFileAttempts = 3;
/**
 * How long a file job may wait for a free writer. Its own timeout starts only when a writer takes it
 * (decision 1083); the queue is bounded apart, and the code stage's timeout bounds both.
 */
export const defaultQueueTimeoutMs = 30 * 60_000;

export interface WrittenFile {
  file: GeneratedFile;
  content: string;
}

function pathToken(filePath: string): string {
  return createHash("sha256").update(filePath).digest("hex").slice(0, 16);
}

/**
 * One job per file, all at once, to whichever writers are free. A file that fails is asked for
 * again (a fresh job id), up to three times; only failed files are retried. Job ids derive from
 * the code job's id, so a redelivered code job finds the files already written, not new ones.
 */
export async function writeFiles(
  context: JobContext<AgentDeps>,
  entries: ManifestEntry[],
  job: {
    round: number;
    sharedContext: string;
    feedbackFor(path: string): string | undefined;
    previousContent(path: string): string | undefined;
    /** Per file, from when a writer takes its job. */
    timeoutMs: number;
    /** Per file, while its job waits for a writer (default defaultQueueTimeoutMs). */
    queueTimeoutMs?: number;
  },
): Promise<WrittenFile[]> {
  const heartbeat = setInterval(() => context.working(), 1000);
  const failures: string[] = [];
  try {
    // Longest first (by the manifest's estimate): the pool pulls jobs in publish order, so a large
    // file published last would finish alone after every other writer is idle (docs/decisions/0900).
    const longestFirst = [...entries].sort((a, b) => b.estimatedLines - a.estimatedLines);
    const settled = await Promise.all(
      longestFirst.map(async (entry): Promise<WrittenFile | undefined> => {
        let lastError = "";
        for (let attempt = 1; attempt <= maximumFileAttempts; attempt++) {
          const feedback = job.feedbackFor(entry.path);
          const previousContent = feedback ? job.previousContent(entry.path) : undefined;
          const fileJob: FileJob = {
            path: entry.path,
            round: job.round,
            entry,
            sharedContext: job.sharedContext,
            ...(feedback ? { feedback } : {}),
            ...(previousContent !== undefined ? { previousContent } : {}),
          };
          try {
            const reply = await context.deps.jobs.request("file-writer", fileJob, {
              runId: context.runId,
              taskId: context.taskId,
              traceId: context.traceId,
              jobId: `${context.jobId}-f${pathToken(entry.path)}-a${attempt}`,
              inputCodec: fileJobCodec,
              outputCodec: fileResultCodec,
              timeoutMs: job.timeoutMs,
              queueTimeoutMs: job.queueTimeoutMs ?? defaultQueueTimeoutMs,
              // The code job's signal: when it is cancelled, its file jobs are cancelled with it.
              signal: context.signal,
            });
            const { content, metadata } = reply.output;
            const digest = createHash("sha256").update(content, "utf8").digest("hex");
            if (metadata.path !== entry.path || metadata.sha256 !== digest) {
              throw new AspError(`the writer's reply for ${entry.path} does not match (path ${metadata.path}, checksum ${metadata.sha256.slice(0, 8)})`, { code: "file_mismatch", retryable: true });
            }
            const artifact = fileArtifactName(context.runId, job.round, entry.path);
            await context.deps.artifacts.put(artifact, content);
            const file: GeneratedFile = {
              path: entry.path,
              type: entry.type,
              bytes: Buffer.byteLength(content, "utf8"),
              lines: content === "" ? 0 : content.split("\n").length - (content.endsWith("\n") ? 1 : 0),
              sha256: digest,
              round: job.round,
              writer: metadata.writer,
              artifact,
            };
            // Not awaited: the job runtime stores every event of the code job before its result.
            void context.emit("file.written", { ...file, attempt, continuations: Number(metadata.continuations) });
            return { file, content };
          } catch (error) {
            // A spent budget, or a code job given up (cancelled, handed back): asking again cannot help.
            if (isBudgetExceeded(error) || context.signal.aborted) throw error;
            lastError = (error as Error).message;
            await context.emit("file.failed", { path: entry.path, round: job.round, attempt, error: lastError });
          }
        }
        failures.push(`${entry.path}: ${lastError}`);
        return undefined;
      }),
    );
    if (failures.length > 0) {
      throw new AspError(`${failures.length} file(s) could not be written after ${maximumFileAttempts} attempts: ${failures.join("; ")}`, {
        code: "files_failed",
        retryable: false,
        details: { failures },
      });
    }
    // Back in manifest order for the caller.
    const byPath = new Map(settled.filter((result): result is WrittenFile => result !== undefined).map((result) => [result.file.path, result]));
    return entries.flatMap((entry) => byPath.get(entry.path) ?? []);
  } finally {
    clearInterval(heartbeat);
  }
}
