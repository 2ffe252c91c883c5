import type { Feedback } from "../../schemas/run.ts";
import type { Finding } from "../../schemas/review.ts";
import type { FailingTest } from "../../schemas/file-job.ts";

interface GateOutput {
  verdict?: unknown;
  summary?: unknown;
  findings?: unknown;
  failures?: unknown;
  buildErrors?: unknown;
  implicatedFiles?: unknown;
  compile?: unknown;
  passed?: unknown;
  failed?: unknown;
  total?: unknown;
  runner?: unknown;
  output?: unknown;
}

interface CompileFinding {
  tool: string;
  file: string;
  line?: number;
  column?: number;
  severity: string;
  rule?: string;
  message: string;
}

/** Used only when a failed run left nothing structured to say (a runner that crashed before reporting). */
const lastResortTailCharacters = 3000;

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const positiveLine = (value: unknown): number | undefined => (typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined);

/** The report's failures as the writers need them: name, message and where, nothing else. */
function failingTests(output: GateOutput): FailingTest[] {
  if (!Array.isArray(output.failures)) return [];
  return (output.failures as Array<Record<string, unknown>>).map((failure) => {
    const file = text(failure.file);
    const line = positiveLine(failure.line);
    const runner = text(failure.runner);
    return {
      name: String(failure.name ?? "(unnamed test)"),
      message: String(failure.message ?? ""),
      ...(file ? { file } : {}),
      ...(line ? { line } : {}),
      ...(runner ? { runner } : {}),
    };
  });
}

function compileErrors(output: GateOutput): CompileFinding[] {
  const findings = (output.compile as { findings?: unknown } | undefined)?.findings;
  if (!Array.isArray(findings)) return [];
  // Warnings too: each is a defect of the PSP compile phase's log, though only errors fail the gate.
  return (findings as CompileFinding[]).filter((finding) => typeof finding.file === "string" && typeof finding.message === "string");
}

function testSummary(output: GateOutput, failures: FailingTest[], buildErrors: string[]): string {
  const parts: string[] = [];
  if (typeof output.failed === "number" && typeof output.total === "number" && output.total > 0) {
    parts.push(`${output.failed} of ${output.total} tests failed${text(output.runner) ? ` (${String(output.runner)})` : ""}`);
  } else if (failures.length > 0) {
    parts.push(`${failures.length} test(s) failed`);
  }
  if (buildErrors.length > 0) parts.push(`${buildErrors.length} build error(s)`);
  return parts.length > 0 ? parts.join("; ") : `verdict ${String(output.verdict)}`;
}

/**
 * Turns a failed gate's output into feedback for the stage it sends the run back to. Reviews carry
 * findings; a test report carries failures (name, message, file:line), compile findings and build
 * errors, which become findings here, and its failures also travel structured so each writer of the
 * repair round sees the ones that concern its file (decision 1103). The output's tail is only a last
 * resort, for a failed run that reported nothing structured.
 */
export function feedbackFromGate(stage: string, round: number, output: GateOutput): Feedback {
  const findings: Array<Finding & { reviewer?: string }> = [];
  if (Array.isArray(output.findings)) {
    for (const finding of output.findings as Array<Finding & { reviewer?: string }>) {
      if (finding.severity !== "info") findings.push(finding);
    }
  }
  const failures = failingTests(output);
  for (const failure of failures) {
    findings.push({
      severity: "high",
      category: "test-failure",
      description: `test ${failure.name} failed: ${failure.message}`,
      recommendation: "",
      defectType: "function",
      target: "code",
      reviewer: stage,
      ...(failure.file ? { file: failure.file } : {}),
      ...(failure.line ? { line: failure.line } : {}),
    });
  }
  const compile = compileErrors(output);
  for (const error of compile) {
    findings.push({
      severity: error.severity === "error" ? "high" : "low",
      category: "compile",
      description: `${error.tool}${error.rule ? ` ${error.rule}` : ""}: ${error.message}`,
      recommendation: "",
      defectType: error.tool === "python-compile" || error.tool === "node-parse" ? "syntax" : "build",
      target: "code",
      reviewer: error.tool,
      file: error.file,
      ...(positiveLine(error.line) ? { line: error.line } : {}),
    });
  }
  const buildErrors = Array.isArray(output.buildErrors) ? (output.buildErrors as unknown[]).filter((error): error is string => typeof error === "string") : [];
  for (const error of buildErrors) {
    // A compile error is in buildErrors as a string too (PLAN contract 2); its structured finding says it better.
    if (compile.some((finding) => error.includes(finding.file) && error.includes(finding.message))) continue;
    findings.push({ severity: "high", category: "build", description: error, recommendation: "", defectType: "build", target: "code", reviewer: stage });
  }
  const implicated = Array.isArray(output.implicatedFiles) ? (output.implicatedFiles as string[]) : [];
  // A warning is logged as a defect but is no reason to rewrite its file.
  const files = [...new Set([...implicated, ...findings.flatMap((finding) => (finding.file && !(finding.category === "compile" && finding.severity === "low") ? [finding.file] : []))])];
  const isTestReport = Array.isArray(output.failures) || Array.isArray(output.buildErrors);
  const nothingStructured = findings.every((finding) => finding.severity === "low");
  const tail = nothingStructured && text(output.output) ? `\nTest output (tail, nothing more structured was reported):\n${String(output.output).slice(-lastResortTailCharacters)}` : "";
  const summary = text(output.summary) ?? (isTestReport ? testSummary(output, failures, buildErrors) : `verdict ${String(output.verdict)}`);
  return {
    fromStage: stage,
    round,
    summary: `${summary}${tail}`,
    findings,
    files,
    ...(isTestReport ? { failures } : {}),
  };
}
