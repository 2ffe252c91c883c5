import type { z } from "zod";
import { codeEvents } from "./code-events.ts";
import type { EventEntry } from "./event-entry.ts";
import { fileEvents } from "./file-events.ts";
import { fleetEvents } from "./fleet-events.ts";
import { gateEvents } from "./gate-events.ts";
import { jobEvents } from "./job-events.ts";
import { modelEvents } from "./model-events.ts";
import { runEvents } from "./run-events.ts";
import { stageEvents } from "./stage-events.ts";
import { stageResultEvents } from "./stage-result-events.ts";

/**
 * Every event type the system emits, with the schema of its `data`. Emitters are held to it (a typed
 * `emit`, checked again at runtime because plug-ins are JavaScript too), and every consumer reads
 * events through it (parseEventData), so no reader guesses a field's name. docs/messages.md lists it.
 */
export const eventCatalogue = {
  ...jobEvents,
  ...modelEvents,
  ...runEvents,
  ...stageEvents,
  ...gateEvents,
  ...codeEvents,
  ...fileEvents,
  ...stageResultEvents,
  ...fleetEvents,
} satisfies Record<string, EventEntry>;

/** The families, in the order docs/messages.md shows them. */
export const eventFamilies: Array<{ name: string; source: string; events: Record<string, EventEntry> }> = [
  { name: "Runs", source: "schemas/events/run-events.ts", events: runEvents },
  { name: "Stages", source: "schemas/events/stage-events.ts", events: stageEvents },
  { name: "Gates", source: "schemas/events/gate-events.ts", events: gateEvents },
  { name: "Jobs", source: "schemas/events/job-events.ts", events: jobEvents },
  { name: "Model calls", source: "schemas/events/model-events.ts", events: modelEvents },
  { name: "Code and manifest", source: "schemas/events/code-events.ts", events: codeEvents },
  { name: "Files", source: "schemas/events/file-events.ts", events: fileEvents },
  { name: "Stage reports and progress", source: "schemas/events/stage-result-events.ts", events: stageResultEvents },
  { name: "Fleet supervision", source: "schemas/events/fleet-events.ts", events: fleetEvents },
];

export type Catalogue = typeof eventCatalogue;
export type CatalogueEventType = keyof Catalogue;

/**
 * Plug-ins' own events (decision 1310): any type under `x.`, e.g. `x.license-check.scanned`, with any
 * JSON object as data. The core never reads them, so it never guesses their fields; a plug-in that wants
 * a checked schema validates its own data before emitting.
 */
export const extensionEventPrefix = "x.";
export type ExtensionEventType = `x.${string}`;

export type EventType = CatalogueEventType | ExtensionEventType;

/** What an emitter passes as `data` (the schema's input side: fields with defaults may be left out). */
export type EventDataInput<T extends EventType> = T extends CatalogueEventType ? z.input<Catalogue[T]["data"]> : Record<string, unknown>;

/** What a consumer reads as `data` after parsing (the output side). */
export type EventData<T extends EventType> = T extends CatalogueEventType ? z.output<Catalogue[T]["data"]> : Record<string, unknown>;

export function isCatalogueEventType(type: string): type is CatalogueEventType {
  return Object.hasOwn(eventCatalogue, type);
}

export function isExtensionEventType(type: string): type is ExtensionEventType {
  return type.startsWith(extensionEventPrefix) && type.length > extensionEventPrefix.length;
}
