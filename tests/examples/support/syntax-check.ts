import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

// Compiles without writing bytecode, so the check leaves the project folder as it found it.
const compilePython = "import sys\nfor name in sys.argv[1:]:\n    compile(open(name, 'rb').read(), name, 'exec')\n";

/**
 * Every source file must parse, including ones no test imports (an entry point, a helper):
 * the Test agent checks syntax file by file before it runs anything.
 * Returns "path: message" for each file that does not parse.
 */
export async function syntaxErrors(directory: string, paths: string[]): Promise<string[]> {
  const errors: string[] = [];
  const python = paths.filter((each) => each.endsWith(".py"));
  if (python.length > 0) {
    await run("python3", ["-c", compilePython, ...python], { cwd: directory, timeout: 20_000 }).catch((error: { stderr?: string }) => {
      errors.push(`python: ${error.stderr ?? String(error)}`);
    });
  }
  const javascript = paths.filter((each) => /\.(m|c)?js$/.test(each));
  await Promise.all(
    javascript.map((each) =>
      run(process.execPath, ["--check", path.join(directory, each)], { timeout: 20_000 }).catch((error: { stderr?: string }) => {
        errors.push(`${each}: ${error.stderr ?? String(error)}`);
      }),
    ),
  );
  return errors;
}
