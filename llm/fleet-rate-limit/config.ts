import { z } from "zod";
import { ConfigError } from "../../errors/asp-error.ts";

/** The fleet-wide limits of every model, read once per process (docs/configuration.md). */
export interface RateLimitConfig {
  /** Requests per window and model; undefined: not limited. */
  requestsPerWindow: number | undefined;
  inputTokensPerWindow: number | undefined;
  outputTokensPerWindow: number | undefined;
  /** The window the limits count over: a minute, shorter only so tests stay quick. */
  windowMs: number;
}

const positiveInteger = z
  .string()
  .trim()
  .regex(/^\d+$/, "must be a whole number")
  .transform(Number)
  .pipe(z.number().int().positive("must be at least 1"));

const variables = {
  requestsPerWindow: "ASP_LLM_RPM",
  inputTokensPerWindow: "ASP_LLM_INPUT_TPM",
  outputTokensPerWindow: "ASP_LLM_OUTPUT_TPM",
  windowMs: "ASP_LLM_RATE_WINDOW_MS",
} as const;

export const defaultRateWindowMs = 60_000;
/** Slots are a twentieth of the window (llm/fleet-rate-limit/usage-slots.ts); below this they would be too fine to mean anything. */
const minimumWindowMs = 100;

/** Reads and validates the limits; an invalid value throws a ConfigError naming its variable. */
export function readRateLimitConfig(env: Record<string, string | undefined>): Readonly<RateLimitConfig> {
  const problems: string[] = [];
  const read = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return undefined;
    const parsed = positiveInteger.safeParse(raw);
    if (parsed.success) return parsed.data;
    problems.push(`${name}: ${parsed.error.issues.map((issue) => issue.message).join("; ")} (got "${raw}")`);
    return undefined;
  };
  const config: RateLimitConfig = {
    requestsPerWindow: read(variables.requestsPerWindow),
    inputTokensPerWindow: read(variables.inputTokensPerWindow),
    outputTokensPerWindow: read(variables.outputTokensPerWindow),
    windowMs: read(variables.windowMs) ?? defaultRateWindowMs,
  };
  if (problems.length === 0 && config.windowMs < minimumWindowMs) {
    problems.push(`${variables.windowMs}: must be at least ${minimumWindowMs} ms (got "${env[variables.windowMs]}")`);
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid rate limit configuration: ${problems.join(", ")}`, {
      details: { variables: problems.map((problem) => problem.split(":")[0]) },
    });
  }
  return Object.freeze(config);
}
