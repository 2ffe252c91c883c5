/**
 * Every error code the system raises, grouped by the class that raises it. The grouping is what lets an
 * error that crossed the bus be rebuilt as its class from its code alone (the class itself cannot travel),
 * and what lets the service error code follow the class (validation: 400) instead of one code string.
 */
export const errorCodesByClass = {
  ValidationError: [
    "validation_failed",
    "file_too_large",
    "file_binary",
    "edits_not_applied",
    "manifest_invalid",
    "branch_exists",
    "repository_dirty",
    "repository_empty",
    "repository_unknown",
    "repository_missing",
    "repository_moved",
  ],
  ConfigError: ["config_invalid"],
  ModelError: [
    "model_failed",
    "model_aborted",
    "structured_output_invalid",
    "output_truncated",
    "empty_output",
    // model_ and an attempt failure of llm/retry-policy.ts: what a ModelError carries after its last attempt
    "model_overloaded",
    "model_rate_limited",
    "model_server_error",
    "model_timeout",
    "model_connection_error",
    "model_stream_error",
    "model_authentication_failed",
    "model_bad_request",
    "model_api_error",
  ],
  BusError: ["bus_failed", "job_queue_timeout", "job_timeout", "nats_server_missing"],
  BudgetExceededError: ["budget_exceeded"],
  AspError: [
    "internal_error",
    /** a failure from a foreign service whose code is none of ours; its own code is kept in details.remoteCode */
    "remote_error",
    "reviewer_failed",
    "files_failed",
    "file_mismatch",
    "object_unreadable",
    "object_corrupt",
    "max_deliveries_exceeded",
    "job_cancelled",
  ],
} as const;

export type ErrorClassName = keyof typeof errorCodesByClass;
export type ErrorCodeOf<ClassName extends ErrorClassName> = (typeof errorCodesByClass)[ClassName][number];
export type ErrorCode = ErrorCodeOf<ErrorClassName>;

const classByCode = new Map<string, ErrorClassName>(
  (Object.entries(errorCodesByClass) as [ErrorClassName, readonly string[]][]).flatMap(([className, codes]) =>
    codes.map((code) => [code, className] as const),
  ),
);

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && classByCode.has(code);
}

/** The class that raises `code`; undefined for a code that is none of ours. */
export function errorClassOf(code: string): ErrorClassName | undefined {
  return classByCode.get(code);
}
