import { lastLocation, runAndParse, type ParsedCounts } from "./run-and-parse.ts";
import { isPythonTest, usesPytest } from "./project-files.ts";
import type { TestFailure, TestRunner } from "./types.ts";

const timeoutMs = 120_000;
const tracebackFrame = /File "([^"]+\.py)", line (\d+)/g;

/** unittest's verbose output: "Ran N tests", "FAILED (failures=1, errors=2)", and a block per failure with its traceback. */
export function parseUnittest(output: string): ParsedCounts {
  const failures: TestFailure[] = [];
  let total = 0;
  let failed = 0;
  let recognised = false;
  for (const match of output.matchAll(/^Ran (\d+) tests? in[^\n]*\n+(OK|FAILED \(([^)]*)\))?/gm)) {
    recognised = true;
    total += Number(match[1]);
    const counts = match[3] ?? "";
    failed += Number(counts.match(/failures=(\d+)/)?.[1] ?? 0) + Number(counts.match(/errors=(\d+)/)?.[1] ?? 0);
  }
  for (const block of output.split(/^={50,}\n/m).slice(1)) {
    const header = block.match(/^(FAIL|ERROR): (\S+)(?: \(([^)]+)\))?/);
    if (!header) continue;
    const body = (block.split(/^-{50,}\n/m)[1] ?? "").split(/^-{50,}\n|^Ran \d+ tests?/m)[0]!;
    const message = body.trim().split("\n").filter((line) => line.trim() !== "").at(-1) ?? header[1]!;
    const location = lastLocation(body, tracebackFrame);
    // Python 3.11 prints the full id in the parentheses ("test_x (module.Class.test_x)"), older ones only the class.
    const id = header[3] ? (header[3].endsWith(`.${header[2]}`) ? header[3] : `${header[3]}.${header[2]}`) : header[2]!;
    failures.push({ name: id, message: message.trim(), ...location });
  }
  return { passed: Math.max(0, total - failed), failed, failures, recognised };
}

/** pytest -rA: "N passed, M failed" and "FAILED path::name - message"; the line comes from the short traceback. */
export function parsePytest(output: string): ParsedCounts {
  const summary = [...output.matchAll(/^=*\s*((?:\d+ \w+(?:, )?)+) in [\d.]+s/gm)].at(-1)?.[1] ?? "";
  const count = (word: RegExp) => Number(summary.match(word)?.[1] ?? 0);
  const passed = count(/(\d+) passed/);
  const failed = count(/(\d+) failed/) + count(/(\d+) errors?/);
  const failures = [...output.matchAll(/^(?:FAILED|ERROR) (\S+?)(?: - (.*))?$/gm)].map((match): TestFailure => {
    const [file, ...rest] = match[1]!.split("::");
    const name = rest.join("::") || match[1]!;
    const section = output.match(new RegExp(`_{3,} ${escape(rest.at(-1) ?? name)} _{3,}\\n([\\s\\S]*?)(?=\\n_{3,} |\\n={3,})`))?.[1] ?? "";
    const location = lastLocation(section, /^([^\s:]+\.py):(\d+):/gm) ?? { file: file! };
    return { name: match[1]!, message: match[2] ?? "failed", ...location };
  });
  return { passed, failed, failures, recognised: summary !== "" };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const pythonTests = (paths: string[]) => paths.filter(isPythonTest);

export const unittestRunner: TestRunner = {
  id: "python-unittest",
  language: "python",
  toolchain: ["python3"],
  applies: (files) => pythonTests(files.map((file) => file.path)).length > 0 && !usesPytest(files),
  run(files, environment, run) {
    // unittest's default pattern is test*.py; exercise-style projects name their tests <module>_test.py.
    const paths = pythonTests(files.map((file) => file.path));
    const commands = [[environment.python, "-m", "unittest", "discover", "-v", "-s", ".", "-t", ".", "-p", "test*.py"]];
    if (paths.some((filePath) => /_test\.py$/.test(filePath) && !/(^|\/)test[^/]*$/.test(filePath))) {
      commands.push([environment.python, "-m", "unittest", "discover", "-v", "-s", ".", "-t", ".", "-p", "*_test.py"]);
    }
    const hasDefaultPattern = paths.some((filePath) => /(^|\/)test[^/]*\.py$/.test(filePath));
    return runEach(hasDefaultPattern ? commands : commands.slice(1), run);
  },
};

/** Each discovery pass runs on its own; their counts add up, and a pass that finds nothing is not an error. */
async function runEach(commands: string[][], run: Parameters<TestRunner["run"]>[2]) {
  const results = [];
  for (const command of commands) results.push(await runAndParse({ runner: "python-unittest", language: "python", commands: [command], run, timeoutMs, parse: parseUnittest }));
  const [first, ...rest] = results;
  return rest.reduce(
    (sum, result) => ({
      ...sum,
      command: `${sum.command} && ${result.command}`,
      passed: sum.passed + result.passed,
      failed: sum.failed + result.failed,
      total: sum.total + result.total,
      failures: [...sum.failures, ...result.failures],
      recognised: sum.recognised && result.recognised,
      exitCode: sum.exitCode !== 0 ? sum.exitCode : result.exitCode,
      timedOut: sum.timedOut || result.timedOut,
      durationMs: sum.durationMs + result.durationMs,
      output: `${sum.output}\n${result.output}`.slice(-8000),
    }),
    first!,
  );
}

export const pytestRunner: TestRunner = {
  id: "pytest",
  language: "python",
  toolchain: ["python3"],
  applies: (files) => pythonTests(files.map((file) => file.path)).length > 0 && usesPytest(files),
  run: (_files, environment, run) =>
    runAndParse({
      runner: "pytest",
      language: "python",
      commands: [[environment.python, "-m", "pytest", "-q", "-rA", "--tb=short", "-p", "no:cacheprovider", "-o", "python_files=test_*.py *_test.py"]],
      run,
      timeoutMs,
      parse: parsePytest,
    }),
};
