import { hostname } from "node:os";
import { pino, type DestinationStream, type Level, type Logger } from "pino";
import { createSecretScrubber, redactedMarker } from "./secret-scrubber.ts";

export type { Logger } from "pino";

export interface LoggerOptions {
  name: string;
  level?: Level | "silent";
  /** Where lines go; stdout when absent. Tests pass a capturing stream. */
  destination?: DestinationStream;
  /** Secret values (e.g. the API key) that must never appear in any line. */
  secrets?: readonly (string | undefined)[];
}

/** Known places a credential hides in logged objects. */
export const redactedPaths = [
  "apiKey",
  "*.apiKey",
  "api_key",
  "*.api_key",
  "authToken",
  "*.authToken",
  "authorization",
  "*.authorization",
  "Authorization",
  "*.Authorization",
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  '*.*.headers["x-api-key"]',
  'headers["authorization"]',
  '*.headers["authorization"]',
  "ANTHROPIC_API_KEY",
  "*.ANTHROPIC_API_KEY",
  "env.ANTHROPIC_API_KEY",
];

/**
 * A pino logger that redacts credential paths and, as a last net, scrubs every
 * written line of the known secret values: a key inside an error message, a stack
 * or a child binding is caught too, whatever its path.
 */
export function createLogger(options: LoggerOptions): Logger {
  const scrubber = createSecretScrubber(options.secrets ?? []);
  const target: DestinationStream = options.destination ?? pino.destination({ dest: 1, sync: false });
  const destination: DestinationStream = scrubber.active
    ? { write: (line: string) => target.write(scrubber.scrub(line)) }
    : target;
  return pino(
    {
      name: options.name,
      // pino's default reads both when its module loads, which for an agent started from the build's
      // snapshot was the builder's process (decision 1418).
      base: { pid: process.pid, hostname: hostname() },
      level: options.level ?? "info",
      redact: { paths: redactedPaths, censor: redactedMarker },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    destination,
  );
}
