import type { DestinationStream } from "pino";
import { createLogger, type Logger } from "../logging/logger.ts";
import { readLogLevel } from "../logging/log-level.ts";

/** The credentials an agent process may hold in its environment: none of them may reach a log line. */
const secretVariables = ["ANTHROPIC_API_KEY", "NATS_PASS", "NATS_TOKEN"] as const;

/**
 * The logger of an agent process whose main did not bring one: the same redaction and secret
 * scrubbing as every other logger, so a plug-in that calls runAgentProcess bare leaks nothing.
 */
export function agentProcessLogger(name: string, env: Record<string, string | undefined>, destination?: DestinationStream): Logger {
  return createLogger({
    name,
    level: readLogLevel(env, "info"),
    secrets: secretVariables.map((variable) => env[variable]),
    ...(destination ? { destination } : {}),
  }).child({ agent: name });
}
