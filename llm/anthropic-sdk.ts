import { namedExports } from "../bus/commonjs-exports.ts";

/** The SDK's module: its client class and the error classes the retry policy sorts failures by. */
export type AnthropicSdk = typeof import("@anthropic-ai/sdk");

/** The error classes of the SDK, all the retry policy needs of it. */
export type AnthropicErrorClasses = Pick<AnthropicSdk, "APIError" | "APIConnectionError" | "APIConnectionTimeoutError" | "APIUserAbortError">;

let loading: Promise<AnthropicSdk> | undefined;

/**
 * The SDK, imported on the first model call rather than when the process starts: compiling and
 * evaluating it is about 26 ms of CPU, which every agent paid before it could report ready, the
 * orchestrator (which never calls the model) included (decision 1414). One import per process.
 */
export function loadAnthropicSdk(): Promise<AnthropicSdk> {
  loading ??= namedExports(import("@anthropic-ai/sdk")).catch((error: unknown) => {
    // A failed import is not cached: the next call tries again.
    loading = undefined;
    throw error;
  });
  return loading;
}

