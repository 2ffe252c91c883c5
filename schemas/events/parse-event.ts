import { ValidationError } from "../../errors/index.ts";
import type { AspEvent } from "../event.ts";
import { eventCatalogue, isCatalogueEventType, isExtensionEventType, type CatalogueEventType, type EventData, type ExtensionEventType } from "./catalogue.ts";

/** A catalogue event with its data parsed: a switch on `type` narrows `data` to that type's fields. */
export type KnownEvent = { [T in CatalogueEventType]: Omit<AspEvent, "type" | "data"> & { type: T; data: EventData<T> } }[CatalogueEventType];

/** What reading one event gives a consumer. */
export type ReadEvent =
  | { kind: "known"; event: KnownEvent }
  /** A plug-in's `x.` event: the core reads nothing in it. */
  | { kind: "extension"; event: AspEvent & { type: ExtensionEventType } }
  /** A type the catalogue does not have, or data that fails its type's schema: skip it, and say so. */
  | { kind: "invalid"; event: AspEvent; error: ValidationError };

/**
 * Reads one event through the catalogue. Stored events are parsed leniently: fields a schema does
 * not name are dropped rather than refused, so a run stored by an older version that wrote an extra
 * field still reads. A missing or mistyped field the schema requires makes the event invalid.
 */
export function readEvent(event: AspEvent): ReadEvent {
  if (isExtensionEventType(event.type)) return { kind: "extension", event: event as AspEvent & { type: ExtensionEventType } };
  if (!isCatalogueEventType(event.type)) {
    return { kind: "invalid", event, error: new ValidationError(`event ${event.id} of run ${event.runId} has type "${event.type}", which is not in the event catalogue`) };
  }
  const parsed = eventCatalogue[event.type].data.safeParse(event.data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(data)"}: ${issue.message}`).join("; ");
    return { kind: "invalid", event, error: new ValidationError(`event ${event.id} (${event.type}) of run ${event.runId} fails its schema: ${problems}`) };
  }
  return { kind: "known", event: { ...event, data: parsed.data } as KnownEvent };
}

/** The typed data of one event type, or an error naming the event: for a consumer that wants one type. */
export function parseEventData<T extends CatalogueEventType>(event: AspEvent, type: T): { success: true; data: EventData<T> } | { success: false; error: ValidationError } {
  if (event.type !== type) return { success: false, error: new ValidationError(`event ${event.id} is a ${event.type} event, not ${type}`) };
  const read = readEvent(event);
  if (read.kind === "known") return { success: true, data: read.event.data as EventData<T> };
  if (read.kind === "invalid") return { success: false, error: read.error };
  return { success: false, error: new ValidationError(`event ${event.id} is an extension event`) };
}

/**
 * Reports an event a consumer skipped: given by the caller, so a fold stays pure. `event` is absent
 * for a stored message that is not an event at all (not JSON, or no envelope).
 */
export type InvalidEventReporter = (error: ValidationError, event?: AspEvent) => void;

/**
 * The catalogue events of a list, parsed; invalid ones are passed to `onInvalid` and left out, never
 * thrown, so one bad stored event cannot stop a postmortem or a watch screen. Extension events are left out.
 */
export function knownEvents(events: Iterable<AspEvent>, onInvalid?: InvalidEventReporter): KnownEvent[] {
  const known: KnownEvent[] = [];
  for (const event of events) {
    const read = readEvent(event);
    if (read.kind === "known") known.push(read.event);
    else if (read.kind === "invalid") onInvalid?.(read.error, event);
  }
  return known;
}
