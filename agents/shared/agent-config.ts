import { statSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "../../errors/index.ts";

/** What a pipeline agent process reads from its environment, besides the model layer's own config. */
export interface AgentConfig {
  /** The prompts folder (ASP_PROMPTS_DIR); undefined means the bundled prompts/. */
  readonly promptsDirectory: string | undefined;
  /** How the code agent orders a round's files (ASP_CODE_WRITE_ORDER), decision 1101. */
  readonly codeWriteOrder: CodeWriteOrder;
  /** How long a gate waits for each reviewer (ASP_REVIEWER_QUEUE_TIMEOUT_MS, ASP_REVIEWER_TIMEOUT_MS). */
  readonly reviewerTimeouts: ReviewerTimeouts;
}

/**
 * A gate fails closed on a reviewer that does not answer in time. Two clocks, so a reviewer nobody runs
 * is caught in seconds while a running one still has minutes for its model calls: `queueMs` for a live
 * instance to take the job, then `answerMs` from when it took it.
 */
export interface ReviewerTimeouts {
  readonly queueMs: number;
  readonly answerMs: number;
}

export const defaultReviewerTimeouts: ReviewerTimeouts = Object.freeze({ queueMs: 30_000, answerMs: 300_000 });

function readMilliseconds(env: Record<string, string | undefined>, variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (/^\d+$/.test(raw) && value >= 100) return value;
  throw new ConfigError(`${variable} must be a whole number of milliseconds, at least 100; it is "${raw}"`, { details: { variable } });
}

function readReviewerTimeouts(env: Record<string, string | undefined>): ReviewerTimeouts {
  return Object.freeze({
    queueMs: readMilliseconds(env, "ASP_REVIEWER_QUEUE_TIMEOUT_MS", defaultReviewerTimeouts.queueMs),
    answerMs: readMilliseconds(env, "ASP_REVIEWER_TIMEOUT_MS", defaultReviewerTimeouts.answerMs),
  });
}

/**
 * `waves`: along dependsOn, each file seeing the new content of the files it depends on (the default).
 * `all-at-once`: every file of a round at once, each seeing only the previous round's content: a shorter
 * critical path for a user who would rather pay in repair rounds (bench/waves.ts measures both).
 */
export const codeWriteOrders = ["waves", "all-at-once"] as const;
export type CodeWriteOrder = (typeof codeWriteOrders)[number];

function readCodeWriteOrder(env: Record<string, string | undefined>): CodeWriteOrder {
  const raw = env["ASP_CODE_WRITE_ORDER"]?.trim();
  if (!raw) return "waves";
  if ((codeWriteOrders as readonly string[]).includes(raw)) return raw as CodeWriteOrder;
  throw new ConfigError(`ASP_CODE_WRITE_ORDER must be one of ${codeWriteOrders.join(", ")}; it is "${raw}"`, { details: { variable: "ASP_CODE_WRITE_ORDER" } });
}

/**
 * Read once per process. ASP_PROMPTS_DIR points the agents at a copy of prompts/, so a negative control
 * can run a scenario with one placeholder taken out of a prompt (decision 1105). A folder that does not
 * exist is refused at start-up, naming the variable, rather than at the first prompt of the first job.
 */
export function readAgentConfig(env: Record<string, string | undefined>): AgentConfig {
  const codeWriteOrder = readCodeWriteOrder(env);
  const reviewerTimeouts = readReviewerTimeouts(env);
  const raw = env["ASP_PROMPTS_DIR"]?.trim();
  if (!raw) return Object.freeze({ promptsDirectory: undefined, codeWriteOrder, reviewerTimeouts });
  const directory = path.resolve(raw);
  let isDirectory = false;
  try {
    isDirectory = statSync(directory).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) {
    throw new ConfigError(`ASP_PROMPTS_DIR must name a folder of prompts; "${raw}" is not a folder`, { details: { variable: "ASP_PROMPTS_DIR" } });
  }
  return Object.freeze({ promptsDirectory: directory, codeWriteOrder, reviewerTimeouts });
}
