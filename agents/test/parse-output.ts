export interface ParsedTestOutput {
  passed: number;
  failed: number;
  total: number;
  failures: Array<{ name: string; message: string; file?: string }>;
  recognised: boolean;
}

function lastNumber(output: string, pattern: RegExp): number | undefined {
  const matches = [...output.matchAll(pattern)];
  const last = matches.at(-1);
  return last ? Number(last[1]) : undefined;
}

/** unittest's verbose output: "Ran N tests", "FAILED (failures=1, errors=2)", and a block per failure. */
export function parseUnittest(output: string): ParsedTestOutput {
  const total = lastNumber(output, /^Ran (\d+) tests? in/gm);
  const failures: ParsedTestOutput["failures"] = [];
  const blocks = output.split(/^={50,}\n/m).slice(1);
  for (const block of blocks) {
    const header = block.match(/^(FAIL|ERROR): (\S+)(?: \(([^)]+)\))?/);
    if (!header) continue;
    const body = block.split(/^-{50,}\n/m)[1] ?? "";
    const lastLine = body.trim().split("\n").filter((line) => line.trim() !== "").at(-1) ?? header[1]!;
    failures.push({ name: header[3] ? `${header[3]}.${header[2]}` : header[2]!, message: lastLine.trim() });
  }
  const failedCount = (lastNumber(output, /failures=(\d+)/g) ?? 0) + (lastNumber(output, /errors=(\d+)/g) ?? 0);
  if (total === undefined) return { passed: 0, failed: failures.length, total: failures.length, failures, recognised: false };
  return { passed: Math.max(0, total - failedCount), failed: failedCount, total, failures, recognised: true };
}

/** node --test TAP output: "# pass N", "# fail N", and "not ok N - name" with a YAML block. */
export function parseNodeTest(output: string): ParsedTestOutput {
  const passed = lastNumber(output, /^# pass (\d+)/gm);
  const failed = lastNumber(output, /^# fail (\d+)/gm);
  const failures: ParsedTestOutput["failures"] = [];
  const notOk = /^(\s*)not ok \d+ - (.+)\n((?:\1\s+.*\n?)*)/gm;
  for (const match of output.matchAll(notOk)) {
    const detail = match[3] ?? "";
    // Suites report their failing children again; keep the innermost (subtest) lines only.
    if (/failureType: 'subtestsFailed'/.test(detail)) continue;
    const message = detail.match(/error: (?:\|-?\n\s*)?['"]?(.+?)['"]?\n/)?.[1] ?? "failed";
    const location = detail.match(/location: '([^']+)'/)?.[1];
    failures.push({ name: match[2]!.trim(), message: message.trim(), ...(location ? { file: location } : {}) });
  }
  if (passed === undefined || failed === undefined) return { passed: 0, failed: failures.length, total: failures.length, failures, recognised: false };
  return { passed, failed, total: passed + failed, failures, recognised: true };
}

/** pytest -q -rA summary: "N passed, M failed" and "FAILED path::name - message". */
export function parsePytest(output: string): ParsedTestOutput {
  const passed = lastNumber(output, /(\d+) passed/g) ?? 0;
  const failed = (lastNumber(output, /(\d+) failed/g) ?? 0) + (lastNumber(output, /(\d+) errors?/g) ?? 0);
  const failures = [...output.matchAll(/^(?:FAILED|ERROR) (\S+?)(?: - (.*))?$/gm)].map((match) => ({
    name: match[1]!,
    message: match[2] ?? "failed",
    file: match[1]!.split("::")[0],
  }));
  const recognised = /\d+ (passed|failed)/.test(output);
  return { passed, failed, total: passed + failed, failures, recognised };
}

/** Project files named in the output (tracebacks, stack traces), the likely places of the defect. */
export function filesNamedIn(output: string, projectPaths: string[]): string[] {
  return projectPaths.filter((filePath) => {
    const escaped = filePath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(^|[\\s"'(/])${escaped}([\\s"':),]|$)`, "m").test(output);
  });
}
