import type { AspEvent } from "../schemas/event.ts";

/** A run's events as NDJSON, one event a line, as `events.ndjson` in a run's output folder holds them. */
export function eventsAsNdjson(events: AspEvent[]): string {
  return events.map((event) => JSON.stringify(event)).join("\n") + "\n";
}
