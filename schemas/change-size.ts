import { z } from "zod";
import { manifestActionSchema } from "./manifest.ts";

/**
 * PSP size accounting of a change (decision 1202): base lines before the change, and per changed file the
 * lines added, deleted and modified (changed in place: a deleted line paired with an added one in a hunk).
 */
export const lineCountsSchema = z.object({
  base: z.number().int().nonnegative(),
  added: z.number().int().nonnegative(),
  modified: z.number().int().nonnegative(),
  deleted: z.number().int().nonnegative(),
});
export type LineCounts = z.infer<typeof lineCountsSchema>;

export const changeSizeSchema = lineCountsSchema.extend({
  files: z.array(lineCountsSchema.extend({ path: z.string(), action: manifestActionSchema })),
});
export type ChangeSize = z.infer<typeof changeSizeSchema>;
