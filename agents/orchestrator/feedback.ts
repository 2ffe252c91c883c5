import type { Feedback } from "../../schemas/run.ts";
import type { Finding } from "../../schemas/review.ts";

interface GateOutput {
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
    for (const failure of output.failures as Array<{ name: string; message: string; file?: string }>) {
      findings.push({ severity: "high", category: "test-failure", description: `test ${failure.name} failed: ${failure.message}`, recommendation: "", defectType: "function", target: "code", reviewer: stage });
    }
  }
  if (Array.isArray(output.buildErrors)) {
    for (const error of output.buildErrors as string[]) {
      findings.push({ severity: "high", category: "build", description: error, recommendation: "", defectType: "build", target: "code", reviewer: stage });
    }
  }
  const implicated = Array.isArray(output.implicatedFiles) ? (output.implicatedFiles as string[]) : [];
  const files = [...new Set([...implicated, ...findings.flatMap((finding) => (finding.file ? [finding.file] : []))])];
  const tail = typeof output.output === "string" && output.output ? `\nTest output (tail):\n${output.output.slice(-3000)}` : "";
  return {
    fromStage: stage,
    round,
    summary: `${typeof output.summary === "string" ? output.summary : `verdict ${String(output.verdict)}`}${tail}`,
    findings,
    files,
  };
}
