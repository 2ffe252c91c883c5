import { chown, mkdtemp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestReport } from "../../schemas/test-report.ts";
import { detectRunner, type ProjectFile } from "./detect-runner.ts";
import { filesNamedIn, parseNodeTest, parsePytest, parseUnittest, type ParsedTestOutput } from "./parse-output.ts";
import { runInSandbox, type SandboxCapabilities, type SandboxLimits } from "./sandbox.ts";
import { checkSyntax } from "./syntax-check.ts";

export interface TestRunDeps {
  limits: SandboxLimits;
  capabilities: SandboxCapabilities;
  pytestAvailable: boolean;
  /** PATH inside the sandbox: where python3, node and npm are, and nothing secret. */
  sandboxPath: string;
  clock: { now(): number };
}

const outputTail = 8000;

/** The sandbox user must own the copy it runs in: the tests write caches, temp files and sockets there. */
async function handOver(directory: string, owner: { uid: number; gid: number }): Promise<void> {
  await chown(directory, owner.uid, owner.gid);
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const target = path.join(directory, entry.name);
    if (entry.isDirectory()) await handOver(target, owner);
    else await chown(target, owner.uid, owner.gid);
  }
}

function parse(runner: string, output: string): ParsedTestOutput {
  if (runner === "python-unittest") return parseUnittest(output);
  if (runner === "pytest") return parsePytest(output);
  return parseNodeTest(output);
}

/** Writes the project to a throwaway folder, runs its own tests there in the sandbox, and reports. */
export async function runProjectTests(files: ProjectFile[], deps: TestRunDeps): Promise<TestReport> {
  const root = await mkdtemp(path.join(os.tmpdir(), "asp-test-"));
  const directory = path.join(root, "project");
  const home = path.join(root, "home");
  const sandbox = { network: deps.capabilities.networkIsolation ? ("none" as const) : ("host" as const), limits: { ...deps.limits } };
  try {
    await mkdir(home, { recursive: true });
    for (const file of files) {
      const target = path.join(directory, file.path);
      if (!target.startsWith(directory + path.sep)) throw new Error(`refusing to write "${file.path}" outside the sandbox folder`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content, { flag: "wx" });
    }
    if (deps.capabilities.unprivilegedUser) await handOver(root, deps.capabilities.unprivilegedUser);
    const paths = files.map((file) => file.path);
    const runner = detectRunner(files, { pytestAvailable: deps.pytestAvailable });
    const syntax = await checkSyntax(files, (command, timeoutMs) =>
      runInSandbox(command, { cwd: directory, home, path: deps.sandboxPath, limits: { ...deps.limits, timeoutMs }, capabilities: deps.capabilities, clock: deps.clock }),
    );
    if (!runner || syntax.errors.length > 0) {
      const buildErrors = runner ? syntax.errors : [...syntax.errors, "no test runner found: the project has no recognisable test files"];
      return {
        verdict: "FAIL", runner: runner?.runner ?? "none", command: runner?.command.join(" ") ?? "", passed: 0, failed: 0, total: 0,
        buildErrors, failures: [], implicatedFiles: syntax.files, exitCode: null, timedOut: false, durationMs: 0, sandbox,
        output: buildErrors.join("\n").slice(-outputTail),
      };
    }
    const result = await runInSandbox(runner.command, { cwd: directory, home, path: deps.sandboxPath, limits: deps.limits, capabilities: deps.capabilities, clock: deps.clock });
    const output = result.output.split(directory + path.sep).join("");
    const parsed = parse(runner.runner, output);
    const passedCleanly = result.exitCode === 0 && !result.timedOut && parsed.recognised && parsed.failed === 0 && parsed.total > 0;
    const buildErrors: string[] = [];
    if (result.timedOut) buildErrors.push(`the tests did not finish within ${deps.limits.timeoutMs} ms and were killed`);
    else if (!parsed.recognised) buildErrors.push(`the ${runner.runner} output could not be read (exit code ${result.exitCode})`);
    else if (parsed.total === 0) buildErrors.push("no tests ran");
    return {
      verdict: passedCleanly ? "PASS" : "FAIL",
      runner: runner.runner,
      command: runner.command.join(" "),
      passed: parsed.passed,
      failed: parsed.failed,
      total: parsed.total,
      buildErrors,
      failures: parsed.failures,
      implicatedFiles: passedCleanly ? [] : filesNamedIn(output, paths),
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
      sandbox,
      output: output.slice(-outputTail),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
