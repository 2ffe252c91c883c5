import { ConfigError } from "../errors/index.ts";

export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * The one reader of ASP_LOG_LEVEL, for agents and the CLI alike. A misspelt level is an error, not a
 * silent fallback: pino would otherwise throw deep inside start-up without naming the variable.
 */
export function readLogLevel(env: Record<string, string | undefined>, fallback: LogLevel): LogLevel {
  const raw = env.ASP_LOG_LEVEL;
  if (raw === undefined || raw === "") return fallback;
  if ((logLevels as readonly string[]).includes(raw)) return raw as LogLevel;
  throw new ConfigError(`ASP_LOG_LEVEL must be one of ${logLevels.join(", ")}; it is "${raw}"`, { details: { variable: "ASP_LOG_LEVEL" } });
}
