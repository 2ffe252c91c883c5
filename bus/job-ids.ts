import { createHash } from "node:crypto";
import { ValidationError } from "../errors/index.ts";

/**
 * Every job id the system makes, in one place. A job id is also the result's message id and part of
 * the result subject, so it must be the same for the same piece of work every time it is asked for:
 * a resumed run, a redelivered stage or a caller that asks again finds the stored result by it. The
 * formats below are what stored runs hold, so they do not change.
 */

/** Job ids are subject tokens (bus/headers.ts reads them with the same rule). */
export const jobIdPattern = /^[A-Za-z0-9_-]{1,200}$/;

function checked(jobId: string): string {
  if (!jobIdPattern.test(jobId)) {
    throw new ValidationError(`job id "${jobId.slice(0, 80)}${jobId.length > 80 ? "…" : ""}" is not valid: letters, digits, '-' and '_', at most 200`);
  }
  return jobId;
}

/** A short, token-safe name for a file path: paths hold '/', '.' and other characters a subject token may not. */
function pathToken(filePath: string): string {
  return createHash("sha256").update(filePath).digest("hex").slice(0, 16);
}

export const jobIds = {
  /** The orchestrator's job for a whole run; a resume is a new attempt under a new id (attempt 1 has none). */
  run(runId: string, attempt = 1): string {
    return checked(attempt > 1 ? `${runId}-run-a${attempt}` : `${runId}-run`);
  },
  /** One stage of a run in one round: a redelivered orchestrator asks for the same id and finds the stored result. */
  stage(runId: string, stageId: string, round: number): string {
    return checked(`${runId}-${stageId}-r${round}`);
  },
  /**
   * One reviewer's job under a gate's job. A redelivered gate asks again under a new id: the old id
   * holds the failed reviewer's stored error.
   */
  reviewer(gateJobId: string, reviewer: string, gateAttempt: number): string {
    return checked(gateAttempt > 1 ? `${gateJobId}-${reviewer}-a${gateAttempt}` : `${gateJobId}-${reviewer}`);
  },
  /** One file of a code job; each file attempt is a new job, since the failed attempt's error is stored under its id. */
  file(codeJobId: string, filePath: string, fileAttempt: number): string {
    return checked(`${codeJobId}-f${pathToken(filePath)}-a${fileAttempt}`);
  },
  /**
   * A one-off job of the in-memory runtime (bus/in-memory-runtime.ts) that its caller gave no id: nothing is
   * resumed from it, so a counter of the runtime is enough to keep each one apart.
   */
  inMemory(sequence: number, runId?: string, agent?: string): string {
    return checked(runId && agent ? `${runId}-${agent}-${sequence}` : `memory-${sequence}`);
  },
  /** A job message that carried no usable ids, reported under its stream sequence. */
  unaddressable(sequence: number): string {
    return checked(`seq-${sequence}`);
  },
};
