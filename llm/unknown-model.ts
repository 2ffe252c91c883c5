import type { Logger } from "../logging/logger.ts";
import { findPrice } from "./pricing.ts";

/** Per process, not per client: every agent process builds its own client, and one line per model is enough. */
const warned = new Set<string>();

/**
 * A model the price table does not know is priced at the default (its cost is marked `estimated`)
 * and gets the request shape of an unknown id from llm/model-capabilities.ts. Says so once per
 * process and model, so a typo in ASP_MODEL is visible without flooding the log.
 */
export function warnIfUnknownModel(logger: Logger, model: string): void {
  if (findPrice(model) !== undefined || warned.has(model)) return;
  warned.add(model);
  logger.warn(
    { model },
    "model is not in llm/pricing.ts: its costs are estimated at the default price and marked estimated in llm.call (see docs/pricing.md)",
  );
}
