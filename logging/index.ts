export { createLogger, redactedPaths, type Logger, type LoggerOptions } from "./logger.ts";
export { logLevels, readLogLevel, type LogLevel } from "./log-level.ts";
export { createSecretScrubber, redactedMarker, type SecretScrubber } from "./secret-scrubber.ts";
export { colourEnabled, terminalStyle, type TerminalStyle } from "./terminal-style.ts";
