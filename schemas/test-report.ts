import { z } from "zod";

export const testFailureSchema = z.object({
  name: z.string(),
  message: z.string(),
  /** Relative to the project root. */
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
  runner: z.string().optional(),
});

export const runnerSummarySchema = z.object({
  runner: z.string(),
  language: z.string(),
  command: z.string(),
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().nonnegative(),
});

/** One compiler, type checker or linter finding of the PSP compile phase. */
export const compileFindingSchema = z.object({
  tool: z.string(),
  file: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  severity: z.enum(["error", "warning"]),
  rule: z.string().optional(),
  message: z.string(),
});
export type CompileFindingRecord = z.infer<typeof compileFindingSchema>;

export const installStepSchema = z.object({
  tool: z.string(),
  command: z.string(),
  ok: z.boolean(),
  durationMs: z.number().nonnegative(),
  downloaded: z.boolean(),
  message: z.string().optional(),
  dependencyFile: z.string().optional(),
  dependency: z.string().optional(),
});

export const testReportSchema = z.object({
  verdict: z.enum(["PASS", "FAIL"]),
  /** The ids of every runner that ran, joined with "+". */
  runner: z.string(),
  command: z.string(),
  /** Sums over every runner. */
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  buildErrors: z.array(z.string()),
  failures: z.array(testFailureSchema),
  implicatedFiles: z.array(z.string()),
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().nonnegative(),
  sandbox: z.object({
    kind: z.enum(["bubblewrap", "unshare", "none"]).default("none"),
    network: z.enum(["none", "host"]),
    limits: z.record(z.string(), z.union([z.string(), z.number()])),
  }),
  runners: z.array(runnerSummarySchema).default([]),
  compile: z.object({ findings: z.array(compileFindingSchema) }).default({ findings: [] }),
  install: z.object({ steps: z.array(installStepSchema), failedDependency: z.string().optional() }).default({ steps: [] }),
  output: z.string().describe("the tail of the runners' output"),
});
export type TestReport = z.infer<typeof testReportSchema>;

/** How a compile finding reads as a build error: the same text in the report, the feedback and the CLI. */
export function describeCompileFinding(finding: CompileFindingRecord): string {
  return `${finding.file}${finding.line ? `:${finding.line}` : ""}: ${finding.tool}${finding.rule ? ` ${finding.rule}` : ""}: ${finding.message}`;
}
