import type { CommandRunner, RunnerResult, TestFailure } from "./types.ts";
import { tail } from "./project-files.ts";

export interface ParsedCounts {
  passed: number;
  failed: number;
  failures: TestFailure[];
  recognised: boolean;
}

/**
 * Runs the commands of one runner in order (configure, build, test), stops at the first that fails
 * before the last, and parses the combined output into counts. A runner is judged by its parsed
 * counts and the last command's exit code together: a zero exit with unreadable output is not a pass.
 */
export async function runAndParse(options: {
  runner: string;
  language: string;
  commands: string[][];
  run: CommandRunner;
  timeoutMs: number;
  parse: (output: string) => ParsedCounts;
}): Promise<RunnerResult> {
  let output = "";
  let exitCode: number | null = 0;
  let timedOut = false;
  let durationMs = 0;
  for (const [index, command] of options.commands.entries()) {
    const result = await options.run(command, { timeoutMs: options.timeoutMs });
    output += result.output;
    exitCode = result.exitCode;
    timedOut ||= result.timedOut;
    durationMs += result.durationMs;
    if (index < options.commands.length - 1 && (result.exitCode !== 0 || result.timedOut)) break;
  }
  const parsed = options.parse(output);
  const failures = parsed.failures.map((failure) => ({ ...failure, runner: options.runner }));
  return {
    runner: options.runner,
    language: options.language,
    command: options.commands.map((command) => command.join(" ")).join(" && "),
    passed: parsed.passed,
    failed: parsed.failed,
    total: parsed.passed + parsed.failed,
    failures,
    recognised: parsed.recognised,
    exitCode,
    timedOut,
    durationMs,
    output: tail(output),
  };
}

/** The last "file:line" of a project file in a piece of output (the innermost frame of a traceback). */
export function lastLocation(text: string, pattern: RegExp): { file: string; line: number } | undefined {
  const matches = [...text.matchAll(pattern)].filter((match) => !match[1]!.startsWith("/") && !match[1]!.includes("node_modules/") && !match[1]!.startsWith("<"));
  const last = matches.at(-1);
  return last ? { file: last[1]!.replace(/^\.\//, ""), line: Number(last[2]) } : undefined;
}
