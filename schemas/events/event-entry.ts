import type { z } from "zod";

/**
 * One event type of the catalogue: the schema of its `data`, what it means and who emits it. The
 * description and emitter are what docs/messages.md shows, so a reader learns from the catalogue
 * alone which process to read when an event looks wrong.
 */
export interface EventEntry<Data extends z.ZodObject = z.ZodObject> {
  description: string;
  emittedBy: string;
  data: Data;
  /**
   * True when the data may carry fields beyond the schema's (a free-form progress note). Otherwise an
   * emit with a field the schema does not name is refused: a misspelt field name is caught where it is
   * written, not guessed at by every reader.
   */
  openData?: boolean;
}

/** Returns its argument, typed: keeps each family file a plain table. */
export function eventEntry<Data extends z.ZodObject>(entry: EventEntry<Data>): EventEntry<Data> {
  return entry;
}
