export { createLogger, redactedPaths, type Logger, type LoggerOptions } from "./logger.ts";
export { createSecretScrubber, redactedMarker, type SecretScrubber } from "./secret-scrubber.ts";
