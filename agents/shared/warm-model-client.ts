import type { ModelClient } from "../../llm/index.ts";

/** A model agent's warm-up: the SDK and node's HTTP client loaded before its first call (decision 1419). */
export async function warmModelClient(deps: { model: ModelClient }): Promise<void> {
  await deps.model.warm?.();
}
