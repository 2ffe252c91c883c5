/**
 * The small error hierarchy shared by every layer. `retryable` decides redelivery
 * versus dead letter; `code` is stable and travels on the wire as the NATS service
 * error code header.
 */
import { errorClassOf, type ErrorClassName, type ErrorCode, type ErrorCodeOf } from "./error-codes.ts";

export interface AspErrorOptions<Code extends ErrorCode = ErrorCode> {
  code: Code;
  retryable?: boolean;
  cause?: unknown;
  /** Extra fields that are safe to log and publish (never secrets). */
  details?: Record<string, unknown>;
}

export class AspError extends Error {
  override name = "AspError";
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(message: string, options: AspErrorOptions) {
    super(message, { cause: options.cause });
    this.code = options.code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }

  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable, details: this.details };
  }
}

/** Input that fails its schema: from a user, the bus or a model. Never retried as-is. */
export class ValidationError extends AspError {
  override name = "ValidationError";
  declare readonly code: ErrorCodeOf<"ValidationError">;
  constructor(message: string, options: Partial<AspErrorOptions<ErrorCodeOf<"ValidationError">>> = {}) {
    super(message, { code: "validation_failed", retryable: false, ...options });
  }
}

/** Configuration that is missing or malformed; names the variable. */
export class ConfigError extends AspError {
  override name = "ConfigError";
  declare readonly code: ErrorCodeOf<"ConfigError">;
  constructor(message: string, options: Partial<AspErrorOptions<ErrorCodeOf<"ConfigError">>> = {}) {
    super(message, { code: "config_invalid", retryable: false, ...options });
  }
}

/** A model call that failed: network, overload, rate limit, or output that could not be used. */
export class ModelError extends AspError {
  override name = "ModelError";
  declare readonly code: ErrorCodeOf<"ModelError">;
  constructor(message: string, options: Partial<AspErrorOptions<ErrorCodeOf<"ModelError">>> = {}) {
    super(message, { code: "model_failed", retryable: true, ...options });
  }
}

/** The bus could not be reached, or a request timed out. */
export class BusError extends AspError {
  override name = "BusError";
  declare readonly code: ErrorCodeOf<"BusError">;
  constructor(message: string, options: Partial<AspErrorOptions<ErrorCodeOf<"BusError">>> = {}) {
    super(message, { code: "bus_failed", retryable: true, ...options });
  }
}

/** A run stopped because the next model call would exceed its budget. */
export class BudgetExceededError extends AspError {
  override name = "BudgetExceededError";
  declare readonly code: ErrorCodeOf<"BudgetExceededError">;
  constructor(message: string, options: Partial<AspErrorOptions<ErrorCodeOf<"BudgetExceededError">>> = {}) {
    super(message, { code: "budget_exceeded", retryable: false, ...options });
  }
}

export interface SerializedError {
  name: string;
  code: ErrorCode;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}

/** Turns anything thrown into the wire shape, keeping AspError fields and hiding stack traces. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof AspError) return error.toJSON();
  if (error instanceof Error) return { name: error.name, code: "internal_error", message: error.message, retryable: true };
  return { name: "Error", code: "internal_error", message: String(error), retryable: true };
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof AspError) return error.retryable;
  // Unknown failures (a bug, a dropped socket) get another attempt; the max-deliver cap bounds them.
  return true;
}

/** A budget stop must travel up unchanged: retrying or failing closed on it would only spend more. */
export function isBudgetExceeded(error: unknown): boolean {
  return error instanceof AspError && error.code === "budget_exceeded";
}

/** Validation-class errors are requests that can never succeed, whatever their particular code. */
export function isValidationClass(error: { code: string }): boolean {
  return errorClassOf(error.code) === "ValidationError";
}

export const errorClasses: Record<ErrorClassName, new (message: string, options: AspErrorOptions) => AspError> = {
  AspError,
  ValidationError: ValidationError as new (message: string, options: AspErrorOptions) => AspError,
  ConfigError: ConfigError as new (message: string, options: AspErrorOptions) => AspError,
  ModelError: ModelError as new (message: string, options: AspErrorOptions) => AspError,
  BusError: BusError as new (message: string, options: AspErrorOptions) => AspError,
  BudgetExceededError: BudgetExceededError as new (message: string, options: AspErrorOptions) => AspError,
};
