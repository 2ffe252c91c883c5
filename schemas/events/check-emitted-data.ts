import { ValidationError } from "../../errors/index.ts";
import { eventCatalogue, extensionEventPrefix, isCatalogueEventType, isExtensionEventType } from "./catalogue.ts";

const describeIssues = (issues: Array<{ path: PropertyKey[]; message: string }>) =>
  issues.map((issue) => `${issue.path.map(String).join(".") || "(data)"}: ${issue.message}`).join("; ");

/**
 * The check every emit passes before anything is published: the type is in the catalogue (or a
 * plug-in's `x.` type), and the data matches its schema, with no field the schema does not name. The
 * unknown-field rule is what catches a misspelt name at the emitter rather than in every reader.
 * Returns the data as the schema parses it (defaults filled in).
 */
export function checkEmittedData(type: string, data: unknown): Record<string, unknown> {
  if (isExtensionEventType(type)) {
    if (typeof data !== "object" || data === null || Array.isArray(data)) throw new ValidationError(`event ${type}: data must be a JSON object`);
    return data as Record<string, unknown>;
  }
  if (!isCatalogueEventType(type)) {
    throw new ValidationError(
      `unknown event type "${type}": it is not in the event catalogue (schemas/events/); a plug-in's own events go under "${extensionEventPrefix}<plugin>.<name>"`,
    );
  }
  const entry = eventCatalogue[type];
  const parsed = entry.data.safeParse(data ?? {});
  if (!parsed.success) throw new ValidationError(`event ${type}: data does not match its schema: ${describeIssues(parsed.error.issues)}`);
  if (!("openData" in entry && entry.openData)) {
    const known = new Set(Object.keys(entry.data.shape));
    const unknown = Object.keys(data as Record<string, unknown>).filter((key) => !known.has(key));
    if (unknown.length > 0) throw new ValidationError(`event ${type}: data has field(s) its schema does not name: ${unknown.join(", ")}`);
  }
  return parsed.data as Record<string, unknown>;
}
