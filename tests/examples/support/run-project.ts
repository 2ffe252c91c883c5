import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

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
 * Runs the project's tests the way the Test agent does: from the root, an environment with only
 * PATH, HOME and a UTF-8 locale (no secret can leak into generated code), killed as a process group on timeout.
 */
export function runProjectTests(directory: string, language: string, timeoutMs: number): Promise<ProjectRun> {
  const command = testCommand(language);
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd: directory,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: directory, LANG: "C.UTF-8", PYTHONDONTWRITEBYTECODE: "1", NO_COLOR: "1" },
    });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    const finish = (exitCode: number | null) => {
      clearTimeout(timer);
      killGroup();
      const output = Buffer.concat(chunks).toString("utf8");
      const counts = countTests(language, output);
      resolve({ command, exitCode, timedOut, output, testsRan: counts.ran, testsPassed: counts.passed });
    };
    child.on("error", (error) => {
      chunks.push(Buffer.from(`could not start ${command[0]}: ${error.message}\n`));
      finish(null);
    });
    child.on("close", finish);
  });
}
