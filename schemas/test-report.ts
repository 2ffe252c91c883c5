import { z } from "zod";

export const testFailureSchema = z.object({
  name: z.string(),
  message: z.string(),
  file: z.string().optional(),
});

export const testReportSchema = z.object({
  verdict: z.enum(["PASS", "FAIL"]),
  runner: z.string(),
  command: z.string(),
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  buildErrors: z.array(z.string()),
  failures: z.array(testFailureSchema),
  implicatedFiles: z.array(z.string()),
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().nonnegative(),
  sandbox: z.object({ network: z.enum(["none", "host"]), limits: z.record(z.string(), z.union([z.string(), z.number()])) }),
  output: z.string().describe("the tail of the runner's output"),
});
export type TestReport = z.infer<typeof testReportSchema>;
