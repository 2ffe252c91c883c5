import { z } from "zod";
import { fileTypeSchema, manifestActionSchema } from "../manifest.ts";
import { eventEntry } from "./event-entry.ts";

const roundSchema = z.number().int().positive().describe("the code stage's round");

/** The code agent's planning: its manifest, and the order the writers get the files in. */
export const codeEvents = {
  "manifest.ready": eventEntry({
    description: "The code agent has its manifest (planned, kept from the previous round, or reused on a resume).",
    emittedBy: "code",
    data: z.object({
      language: z.string().optional().describe("the project's main language (absent in events stored before it was recorded)"),
      files: z
        .array(
          z.object({
            path: z.string(),
            action: manifestActionSchema.optional().describe("create, modify or delete (absent in events stored before change requests: create)"),
            type: fileTypeSchema,
            estimatedLines: z.number().int().nonnegative(),
            dependsOn: z.array(z.string()).optional().describe("absent in events stored before waves"),
          }),
        )
        .describe("every manifest entry (the watch screen's file bars)"),
    }),
  }),
  "manifest.rejected": eventEntry({
    description: "The model's manifest broke a rule; the model is asked again with these problems.",
    emittedBy: "code",
    data: z.object({ problems: z.array(z.string()) }),
  }),
  "code.waves": eventEntry({
    description: "How this round's files are sent to the writers: in waves along dependsOn, or all at once.",
    emittedBy: "code",
    data: z.object({
      round: roundSchema,
      order: z.string().describe("`waves` or `all-at-once` (ASP_CODE_WRITE_ORDER)"),
      waves: z.array(z.array(z.string())).describe("the paths of each wave, in order"),
      fallback: z.boolean().describe("true when a dependency cycle forced one wave"),
    }),
  }),
  "code.cycle": eventEntry({
    description: "The manifest's files depend on each other in a cycle; they are written in one wave.",
    emittedBy: "code",
    data: z.object({ round: roundSchema, cycle: z.array(z.string()).describe("the paths of the cycle"), reason: z.string() }),
  }),
  "code.changes": eventEntry({
    description: "PSP size of a change request's round: lines of the base, and lines added, modified and deleted (decision 1202).",
    emittedBy: "code",
    data: z.object({
      round: roundSchema,
      base: z.number().int().nonnegative(),
      added: z.number().int().nonnegative(),
      modified: z.number().int().nonnegative(),
      deleted: z.number().int().nonnegative(),
    }),
  }),
};
