import { z } from "zod";
import { generatedFileSchema } from "../file-job.ts";
import { eventEntry } from "./event-entry.ts";

const pathSchema = z.string().describe("the file's path in the project");
const roundSchema = z.number().int().positive().describe("the code round the file belongs to");

/** One file of a round, from a writer taking it to its content stored. */
export const fileEvents = {
  "file.started": eventEntry({
    description: "A writer took the file's job.",
    emittedBy: "file-writer",
    data: z.object({ path: pathSchema, round: roundSchema, writer: z.string().describe("the writer's instance id") }),
  }),
  "file.written": eventEntry({
    description: "The file's content is stored in the artifacts store.",
    emittedBy: "code",
    data: generatedFileSchema.extend({
      attempt: z.number().int().positive().describe("the file job's attempt that wrote it (a fresh job each time)"),
      continuations: z.number().int().nonnegative().describe("max_tokens cuts the writer continued"),
      empty: z.boolean().optional().describe("true for a file the manifest declares empty: no model call"),
    }),
  }),
  "file.failed": eventEntry({
    description: "One attempt at the file failed; it is asked for again up to three times.",
    emittedBy: "code",
    data: z.object({ path: pathSchema, round: roundSchema, attempt: z.number().int().positive(), error: z.string() }),
  }),
  "file.reused": eventEntry({
    description: "A resumed round kept the file an earlier round wrote, with no model call (decision 1180).",
    emittedBy: "code",
    data: z.object({
      path: pathSchema,
      round: roundSchema,
      fromRound: z.number().int().positive().describe("the round that wrote it"),
      sha256: z.string(),
    }),
  }),
};
