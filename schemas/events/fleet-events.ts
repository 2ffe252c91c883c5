import { z } from "zod";
import { eventEntry } from "./event-entry.ts";

const instanceSchema = z.string().nullable().describe("the process's instance id (null when it never said)");

/** `asp up`'s supervision of its processes (decision 1400), under the reserved run id `_fleet`. */
export const fleetEvents = {
  "agent.restarting": eventEntry({
    description: "An agent process of `asp up` exited unexpectedly and will be restarted after a delay.",
    emittedBy: "asp up",
    data: z.object({
      instance: instanceSchema,
      exitCode: z.number().int().nullable(),
      signal: z.string().nullable(),
      restart: z.number().int().positive().describe("1 for the first restart within the supervision window"),
      delayMs: z.number().int().nonnegative(),
      logFile: z.string(),
      failedToStart: z.string().optional().describe("set when the previous restart never became ready"),
    }),
  }),
  "agent.restarted": eventEntry({
    description: "A new process is ready in the slot of the one that exited.",
    emittedBy: "asp up",
    data: z.object({ instance: instanceSchema, previousInstance: instanceSchema, restart: z.number().int().positive() }),
  }),
  "agent.gave_up": eventEntry({
    description: "An agent process exited too often within the window; it stays down.",
    emittedBy: "asp up",
    data: z.object({
      instance: instanceSchema,
      exits: z.number().int().positive(),
      reason: z.string(),
      exitCode: z.number().int().nullable(),
      signal: z.string().nullable(),
      logFile: z.string(),
    }),
  }),
};
