import path from "node:path";
import type { NatsConnection } from "nats";
import type { Logger } from "pino";
import { jsonCodec } from "../bus/codec.ts";
import { replayEvents } from "../bus/events.ts";
import { createJobClient } from "../bus/job-client.ts";
import type { Subjects } from "../bus/subjects.ts";
import { createArtifactStore } from "../agents/shared/artifact-store.ts";
import { createRunStore } from "../agents/shared/run-store.ts";
import type { AspEvent } from "../schemas/event.ts";
import { runSummarySchema, type RunRequest, type RunSummary } from "../schemas/run.ts";
import type { CommandIo } from "./command-io.ts";
import { formatEvent } from "./format-event.ts";
import { writeRunOutput } from "./write-run-output.ts";
import { jobIds } from "../bus/job-ids.ts";
import { runRequestCodec } from "./start-run.ts";

export interface SubmittedRun {
  summary: RunSummary;
  outDirectory: string;
  written: string[];
  exitCode: 0 | 1 | 2;
}

/**
 * Submits a run to the fleet's orchestrator, follows its events as they happen, and writes the
 * finished run to disk. Used by `asp run` and `asp submit`; the run itself happens in the fleet.
 */
export async function submitRun(options: {
  connection: NatsConnection;
  subjects: Subjects;
  logger: Logger;
  request: RunRequest;
  io: CommandIo;
  json: boolean;
  out?: string;
  /** The orchestrator job's id: a resumed run is a new job of the same run (decision 1180). */
  jobId?: string;
}): Promise<SubmittedRun> {
  const { connection, subjects, request, io } = options;
  const events: AspEvent[] = [];
  const replay = await replayEvents({
    connection,
    subjects,
    runId: request.runId,
    follow: true,
    onEvent: (event) => {
      events.push(event);
      const line = formatEvent(event);
      if (line && !options.json) io.stderr.write(`${line}\n`);
    },
  });
  let summary: RunSummary;
  try {
    const reply = await createJobClient({ connection, subjects, logger: options.logger }).request("orchestrator", request, {
      runId: request.runId,
      jobId: options.jobId ?? jobIds.run(request.runId),
      inputCodec: runRequestCodec,
      outputCodec: jsonCodec(runSummarySchema),
      timeoutMs: 6 * 60 * 60 * 1000,
    });
    summary = reply.output;
  } finally {
    await replay.stop();
  }
  // The live tap may lag the final events; the stream has them all.
  const stored: AspEvent[] = [];
  const full = await replayEvents({ connection, subjects, runId: request.runId, onEvent: (event) => void stored.push(event) });
  await full.done;
  const state = await createRunStore(connection, subjects).get(request.runId);
  const outDirectory = path.resolve(options.out ?? path.join("out", request.runId));
  const written = state ? await writeRunOutput(outDirectory, state, stored.length >= events.length ? stored : events, createArtifactStore(connection, subjects)) : [];
  if (options.json) io.stdout.write(`${JSON.stringify({ ...summary, outDirectory, written })}\n`);
  else io.stdout.write(`run ${request.runId} ${summary.status}${summary.reason ? `: ${summary.reason}` : ""}\noutput in ${outDirectory}\n`);
  const exitCode = summary.status === "passed" ? 0 : summary.status === "failed" ? 1 : 2;
  return { summary, outDirectory, written, exitCode };
}
