import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { defaultSandboxLimits, runInSandbox } from "../../../agents/tester/sandbox.ts";

export interface ProjectRun {
  command: string[];
  exitCode: number | null;
  timedOut: boolean;
  output: string;
  /** Tests the runner says it ran ("Ran N tests" / node's "# tests N"), undefined when the output has no count. */
  testsRan: number | undefined;
  /** Tests that passed ("OK" lines are not counted: unittest only reports failures, so this is ran minus failed). */
  testsPassed: number | undefined;
}

/** The commands the Test agent runs from the project root, chosen by the manifest's language. */
export function testCommand(language: string): string[] {
  if (language === "python") return ["python3", "-m", "unittest", "discover", "-v"];
  if (language === "javascript") return ["node", "--test"];
  throw new Error(`no test command for language ${language}`);
}

function lastCount(output: string, pattern: RegExp): number | undefined {
  const last = [...output.matchAll(pattern)].at(-1);
  return last ? Number(last[1]) : undefined;
}

export function countTests(language: string, output: string): { ran: number | undefined; passed: number | undefined } {
  if (language === "python") {
    const ran = lastCount(output, /^Ran (\d+) tests? in /gm);
    const failed = (lastCount(output, /failures=(\d+)/g) ?? 0) + (lastCount(output, /errors=(\d+)/g) ?? 0);
    return { ran, passed: ran === undefined ? undefined : ran - failed };
  }
  return { ran: lastCount(output, /^# tests (\d+)/gm), passed: lastCount(output, /^# pass (\d+)/gm) };
}

/** Writes the files byte for byte (as UTF-8, CRLF and all) under a fresh folder; returns the folder. */
export async function writeProject(files: Map<string, string>): Promise<{ directory: string; [Symbol.asyncDispose](): Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), "asp-example-"));
  for (const [filePath, text] of files) {
    const target = path.join(root, filePath);
    if (!target.startsWith(root + path.sep)) throw new Error(`"${filePath}" would be written outside the project folder`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text, { encoding: "utf8", flag: "wx" });
  }
  return { directory: root, [Symbol.asyncDispose]: () => rm(root, { recursive: true, force: true }) };
}

/**
 * Runs the project's tests through the test agent's own sandbox spawn (agents/tester/sandbox.ts): from the
 * root, an environment with only a PATH, a throwaway HOME and a UTF-8 locale (no secret can leak into
 * generated code), killed as a process group on timeout. No isolation is asked for: these projects need
 * nothing installed (decision 0400), and the sandbox's isolation has tests of its own. The command and
 * the counts above stay this file's own on purpose: they are the independent oracle of what "the tests
 * ran and passed" means, so a bug in the test agent's runners cannot make an example look green.
 */
export async function runProjectTests(directory: string, language: string, timeoutMs: number): Promise<ProjectRun> {
  const command = testCommand(language);
  const home = await mkdtemp(path.join(os.tmpdir(), "asp-example-home-"));
  try {
    await mkdir(path.join(home, "tmp"));
    const run = await runInSandbox(command, {
      cwd: directory,
      root: directory,
      home,
      path: process.env.PATH ?? "/usr/bin:/bin",
      limits: { ...defaultSandboxLimits, timeoutMs },
      capabilities: { networkIsolation: false, resourceLimits: false },
      clock: { now: () => Date.now() },
    });
    const counts = countTests(language, run.output);
    return { command, exitCode: run.exitCode, timedOut: run.timedOut, output: run.output, testsRan: counts.ran, testsPassed: counts.passed };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
