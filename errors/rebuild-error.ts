import { AspError, errorClasses, type SerializedError } from "./asp-error.ts";
import { errorClassOf, isErrorCode } from "./error-codes.ts";

/**
 * Rebuilds an error that crossed the bus as the class its code belongs to, so `instanceof
 * BudgetExceededError` holds on the caller's side as it did on the handler's. A code that is none of
 * ours (a foreign service) becomes a plain AspError with code remote_error and the code in details.
 */
export function rebuildError(remote: Partial<Omit<SerializedError, "code">> & { code?: string }, options: { message?: string; details?: Record<string, unknown> } = {}): AspError {
  const message = options.message ?? remote.message ?? "remote error";
  const details = { ...(remote.details ?? {}), ...(options.details ?? {}) };
  const remoteCode = remote.code;
  if (!isErrorCode(remoteCode)) {
    return new AspError(message, { code: "remote_error", retryable: remote.retryable ?? false, details: { ...details, remoteCode } });
  }
  const ErrorClass = errorClasses[errorClassOf(remoteCode) ?? "AspError"];
  return new ErrorClass(message, { code: remoteCode, retryable: remote.retryable ?? false, details });
}
