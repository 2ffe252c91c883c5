import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ProjectFile } from "../../agents/tester/runners/types.ts";
import { defaultSandboxLimits, probeSandboxCapabilities, runInSandbox, type SandboxResult } from "../../agents/tester/sandbox.ts";
import { checkSyntax, type SandboxRunner } from "../../agents/tester/syntax-check.ts";

const python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
const capabilities = probeSandboxCapabilities();
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

/** Writes the files (readable by the sandbox user) and returns a runner that records every command. */
async function project(files: ProjectFile[]): Promise<{ run: SandboxRunner; commands: string[][] }> {
  const root = await mkdtemp(path.join(os.tmpdir(), "asp-syntax-"));
  folders.push(root);
  // Writable by the sandbox user, as the agent's hand-over makes it: py_compile writes __pycache__.
  await chmod(root, 0o777);
  for (const file of files) {
    await mkdir(path.dirname(path.join(root, file.path)), { recursive: true, mode: 0o777 });
    await chmod(path.dirname(path.join(root, file.path)), 0o777);
    await writeFile(path.join(root, file.path), file.content, { mode: 0o644 });
  }
  const commands: string[][] = [];
  const run: SandboxRunner = (command, timeoutMs): Promise<SandboxResult> => {
    commands.push(command);
    return runInSandbox(command, {
      cwd: root,
      home: root,
      path: [path.dirname(python), path.dirname(process.execPath), "/usr/bin", "/bin"].join(":"),
      limits: { ...defaultSandboxLimits, timeoutMs },
      capabilities,
      clock: { now: () => Date.now() },
    });
  };
  return { run, commands };
}

const good: ProjectFile[] = [
  { path: "package.json", content: '{"type":"module"}\n' },
  { path: "src/module.js", content: "export const answer = await Promise.resolve(42);\n" },
  { path: "src/script.cjs", content: "#!/usr/bin/env node\nif (require.main !== module) return;\nmodule.exports = 1;\n" },
  { path: "lib/tool.mjs", content: "import path from 'node:path';\nexport default path.sep;\n" },
  { path: "calc/__init__.py", content: "# -*- coding: utf-8 -*-\n" },
  { path: "calc/ops.py", content: "def add(a, b):\n    return a + b\n" },
  { path: "README.md", content: "not code (\n" },
];

describe("the test agent's syntax check", () => {
  it("passes a project whose files all parse, with one process per language", async () => {
    const { run, commands } = await project(good);
    expect(await checkSyntax(good, run)).toEqual({ errors: [], files: [] });
    expect(commands.map((command) => command[0])).toEqual(["python3", "node"]);
  });

  it("names each broken file with its line: python, CommonJS and ES modules", async () => {
    const files: ProjectFile[] = [
      ...good,
      { path: "calc/broken.py", content: "def add(a, b:\n    return a\n" },
      { path: "src/broken.cjs", content: "const x = 1;\nfoo(\n" },
      { path: "src/broken.js", content: "export const a = 1;\nexport const b = (;\n" },
    ];
    const { run } = await project(files);
    const report = await checkSyntax(files, run);
    expect(report.files).toEqual(["calc/broken.py", "src/broken.cjs", "src/broken.js"]);
    const [pythonError, commonJsError, moduleError] = report.errors;
    expect(pythonError).toMatch(/^calc\/broken\.py: [\s\S]*line 1[\s\S]*SyntaxError/);
    expect(commonJsError).toMatch(/^src\/broken\.cjs: [\s\S]*broken\.cjs:3[\s\S]*SyntaxError: Unexpected end of input/);
    // A module's error comes from node --check, which gives the line and the caret.
    expect(moduleError).toMatch(/^src\/broken\.js: [\s\S]*broken\.js:2[\s\S]*\^[\s\S]*SyntaxError: Unexpected token ';'/);
  });

  it("falls back to one check per file when the batch checker itself fails", async () => {
    const files: ProjectFile[] = [
      { path: "a.py", content: "x = 1\n" },
      { path: "b.py", content: "x = (\n" },
    ];
    const { run, commands } = await project(files);
    const failingBatch: SandboxRunner = (command, timeoutMs) =>
      command.includes("-c") ? Promise.resolve({ exitCode: 137, signal: null, timedOut: false, output: "Killed", durationMs: 1, network: "none" }) : run(command, timeoutMs);
    const report = await checkSyntax(files, failingBatch);
    expect(report.files).toEqual(["b.py"]);
    expect(commands).toEqual([
      ["python3", "-m", "py_compile", "a.py"],
      ["python3", "-m", "py_compile", "b.py"],
    ]);
  });
});
