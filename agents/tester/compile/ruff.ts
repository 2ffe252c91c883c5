import type { CompileCheck, CompileFinding } from "../runners/types.ts";

/**
 * Lint findings that mean the code cannot work (syntax, undefined names, misplaced statements) are
 * errors and fail the gate; style and hygiene (an unused import) are warnings: logged as defects,
 * not worth a repair round (docs/decisions/1020-lint-errors-and-warnings.md).
 */
const errorRules = [/^E9/, /^F82[123]$/, /^F63/, /^F7/];
export const isRuffError = (code: string | null) => code === null || errorRules.some((pattern) => pattern.test(code));

interface RuffDiagnostic {
  code: string | null;
  message: string;
  filename: string;
  location?: { row: number; column: number };
}

export function parseRuff(output: string): CompileFinding[] {
  const start = output.indexOf("[");
  if (start < 0) return [];
  let diagnostics: RuffDiagnostic[];
  try {
    diagnostics = JSON.parse(output.slice(start, output.lastIndexOf("]") + 1)) as RuffDiagnostic[];
  } catch {
    return [];
  }
  return diagnostics.map((diagnostic) => ({
    tool: "ruff",
    file: diagnostic.filename.replace(/^\.\//, ""),
    ...(diagnostic.location ? { line: diagnostic.location.row, column: diagnostic.location.column } : {}),
    severity: isRuffError(diagnostic.code) ? "error" : "warning",
    ...(diagnostic.code ? { rule: diagnostic.code } : {}),
    message: diagnostic.message,
  }));
}

/** ruff with pyflakes and pycodestyle's error rules: what generated Python must pass without changes. */
export const ruffCheck: CompileCheck = {
  id: "ruff",
  language: "python",
  toolchain: ["ruff"],
  applies: (files) => files.some((file) => file.path.endsWith(".py")),
  async run(files, environment, run) {
    if (!environment.tools.ruff) return [];
    const paths = files.filter((file) => file.path.endsWith(".py")).map((file) => file.path);
    const result = await run([environment.tools.ruff, "check", "--no-cache", "--isolated", "--select", "E9,F", "--output-format", "json", "--exit-zero", ...paths], { timeoutMs: 60_000 });
    // The sandbox's runner strips the project's folder from every output, so the file names are relative.
    return parseRuff(result.output);
  },
};
