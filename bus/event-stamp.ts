import { nuid } from "nats";
import { ValidationError } from "../errors/index.ts";
import { eventSchema, type AspEvent } from "../schemas/event.ts";
import { checkEmittedData } from "../schemas/events/index.ts";
import type { Clock } from "./clock.ts";
import type { EventType } from "../schemas/events/index.ts";
import type { TypedEventInput } from "./events.ts";

/**
 * An event as it is stored: given an id, a time and the publishing instance, and validated by the event
 * schema. One function for the JetStream publisher and the in-memory runtime, so an event that one of them
 * refuses the other refuses too.
 */
export function stampEvent<T extends EventType>(input: TypedEventInput<T>, defaults: { clock: Clock; instanceId: string }): AspEvent {
  const parsed = eventSchema.safeParse({
    ...input,
    id: input.id ?? nuid.next(),
    time: input.time ?? new Date(defaults.clock.now()).toISOString(),
    instance: input.instance ?? defaults.instanceId,
    // The type's own schema (schemas/events/): an unknown type or data that fails it is refused here.
    data: checkEmittedData(input.type, input.data),
  });
  if (!parsed.success) {
    throw new ValidationError(`event fails its schema: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  return parsed.data;
}
