export * from "./catalogue.ts";
export { checkEmittedData } from "./check-emitted-data.ts";
export type { EventEntry } from "./event-entry.ts";
export * from "./parse-event.ts";
