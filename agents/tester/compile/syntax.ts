import { checkSyntax } from "../syntax-check.ts";
import type { CompileCheck, CompileFinding } from "../runners/types.ts";

/** Python compile() and the JavaScript parse of every file: a file that does not parse names itself. */
export const syntaxCheck: CompileCheck = {
  id: "syntax",
  language: "python+javascript",
  toolchain: [],
  applies: (files) => files.some((file) => /\.(py|m?js|cjs)$/.test(file.path)),
  async run(files, environment, run) {
    const python = files.some((file) => file.path.endsWith(".py"));
    const report = await checkSyntax(files, (command, timeoutMs) => run(command[0] === "python3" ? [environment.python, ...command.slice(1)] : command, { timeoutMs }));
    return report.files.map((file, index): CompileFinding => {
      const message = report.errors[index]!.slice(file.length + 2);
      const line = Number(message.match(/line (\d+)|:(\d+)(?::\d+)?\b/)?.slice(1).find(Boolean) ?? NaN);
      return { tool: file.endsWith(".py") && python ? "python-compile" : "node-parse", file, severity: "error", message, ...(Number.isFinite(line) ? { line } : {}) };
    });
  },
};
