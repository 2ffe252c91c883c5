import type { Feedback } from "../../schemas/run.ts";
import type { Finding } from "../../schemas/review.ts";

import { describeCompileFinding, type CompileFindingRecord } from "../../schemas/test-report.ts";

interface GateOutput {
  compile?: { findings?: CompileFindingRecord[] };
  verdict?: unknown;
  summary?: unknown;
  findings?: unknown;
  failures?: unknown;
  buildErrors?: unknown;
  implicatedFiles?: unknown;
  output?: unknown;
}

/**
 * Turns a failed gate's output into feedback for the stage it sends the run back to. Reviews
 * carry findings; a test report carries failures and build errors, which become findings here.
 */
export function feedbackFromGate(stage: string, round: number, output: GateOutput): Feedback {
  const findings: Array<Finding & { reviewer?: string }> = [];
  if (Array.isArray(output.findings)) {
    for (const finding of output.findings as Array<Finding & { reviewer?: string }>) {
      if (finding.severity !== "info") findings.push(finding);
    }
  }
  if (Array.isArray(output.failures)) {
    for (const failure of output.failures as Array<{ name: string; message: string; file?: string; line?: number }>) {
      const where = failure.file ? ` (at ${failure.file}${failure.line ? `:${failure.line}` : ""})` : "";
      findings.push({
        severity: "high", category: "test-failure", description: `test ${failure.name} failed: ${failure.message}${where}`, recommendation: "", defectType: "function", target: "code", reviewer: stage,
        ...(failure.file ? { file: failure.file } : {}), ...(failure.line ? { line: failure.line } : {}),
      });
    }
  }
  // The PSP compile phase: every compiler and linter finding is a defect; errors block, warnings are only logged.
  const compileFindings = output.compile?.findings ?? [];
  const compileErrors = new Set(compileFindings.map(describeCompileFinding));
  for (const finding of compileFindings) {
    findings.push({
      severity: finding.severity === "error" ? "high" : "low", category: "compile", description: describeCompileFinding(finding), recommendation: "",
      defectType: finding.tool === "python-compile" || finding.tool === "node-parse" ? "syntax" : "build", target: "code", reviewer: finding.tool,
      file: finding.file, ...(finding.line && finding.line > 0 ? { line: finding.line } : {}),
    });
  }
  if (Array.isArray(output.buildErrors)) {
    for (const error of (output.buildErrors as string[]).filter((entry) => !compileErrors.has(entry))) {
      findings.push({ severity: "high", category: "build", description: error, recommendation: "", defectType: "build", target: "code", reviewer: stage });
    }
  }
  const implicated = Array.isArray(output.implicatedFiles) ? (output.implicatedFiles as string[]) : [];
  // A warning is logged as a defect but is no reason to rewrite its file.
  const files = [...new Set([...implicated, ...findings.flatMap((finding) => (finding.file && !(finding.category === "compile" && finding.severity === "low") ? [finding.file] : []))])];
  const tail = typeof output.output === "string" && output.output ? `\nTest output (tail):\n${output.output.slice(-3000)}` : "";
  return {
    fromStage: stage,
    round,
    summary: `${typeof output.summary === "string" ? output.summary : `verdict ${String(output.verdict)}`}${tail}`,
    findings,
    files,
  };
}
