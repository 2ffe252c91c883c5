import type { CompileCheck, CompileFinding } from "../runners/types.ts";

const configFile = /^(eslint\.config\.(m|c)?js|\.eslintrc(\.(json|js|cjs|yaml|yml))?)$/;

interface EslintResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; severity: number; message: string; line?: number; column?: number }>;
}

/** eslint only where the project configures it and installed it: a style the project did not choose is not a defect. */
export const eslintCheck: CompileCheck = {
  id: "eslint",
  language: "javascript",
  toolchain: ["node"],
  applies: (files) => files.some((file) => configFile.test(file.path)),
  async run(_files, environment, run) {
    if (!environment.nodeModulesInstalled) return [];
    const result = await run(["node", "node_modules/eslint/bin/eslint.js", "--format", "json", "."], { timeoutMs: 120_000 });
    const start = result.output.indexOf("[");
    if (start < 0) return [];
    try {
      const results = JSON.parse(result.output.slice(start, result.output.lastIndexOf("]") + 1)) as EslintResult[];
      return results.flatMap((entry) =>
        entry.messages.map((message): CompileFinding => ({
          tool: "eslint",
          file: entry.filePath.replace(/^\.?\//, ""),
          ...(message.line ? { line: message.line } : {}),
          ...(message.column ? { column: message.column } : {}),
          severity: message.severity >= 2 ? "error" : "warning",
          ...(message.ruleId ? { rule: message.ruleId } : {}),
          message: message.message,
        })),
      );
    } catch {
      return [];
    }
  },
};
