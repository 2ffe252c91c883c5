import type { ProjectFile } from "./runners/types.ts";
import type { SandboxResult } from "./sandbox.ts";

export interface SyntaxReport {
  /** One entry per broken file: its path and the parser's message. */
  errors: string[];
  files: string[];
}

/** Runs a command in the sandbox from the project's folder. */
export type SandboxRunner = (command: string[], timeoutMs: number) => Promise<SandboxResult>;

const marker = "::asp-syntax::";

/**
 * Python: compile() every file without running it or writing bytecode, one interpreter for all of
 * them, and print one marked JSON line per file that does not parse.
 */
const pythonChecker = `
import json, sys, traceback
for path in sys.argv[1:]:
    try:
        with open(path, "rb") as handle:
            compile(handle.read(), path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        message = "".join(traceback.format_exception_only(type(error), error)).rstrip()
        print("${marker}" + json.dumps({"file": path, "message": message}), flush=True)
`;

/**
 * JavaScript: parse every file the way node would load it (ES module for .mjs or a "type": "module"
 * package, CommonJS otherwise) without running it, in one node process. An ES module's parse error
 * carries no location, so for those the caller asks \`node --check\` for the full message.
 */
const javascriptChecker = `
const { readFileSync, existsSync } = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const root = process.cwd();
function packageType(file) {
  for (let directory = path.dirname(path.resolve(file)); directory.startsWith(root); directory = path.dirname(directory)) {
    const manifest = path.join(directory, "package.json");
    if (existsSync(manifest)) {
      try { return JSON.parse(readFileSync(manifest, "utf8")).type === "module" ? "module" : "commonjs"; } catch { return "commonjs"; }
    }
    if (directory === root) break;
  }
  return "commonjs";
}
for (const file of process.argv.slice(1)) {
  const source = readFileSync(file, "utf8");
  const isModule = file.endsWith(".mjs") || (!file.endsWith(".cjs") && packageType(file) === "module");
  try {
    if (isModule) new vm.SourceTextModule(source, { identifier: file });
    else vm.compileFunction(source.replace(/^#!.*/, ""), ["exports", "require", "module", "__filename", "__dirname"], { filename: file });
  } catch (error) {
    const message = String(error && error.stack || error).split("\\n").filter((line) => !/^\\s+at /.test(line)).join("\\n").trim();
    console.log("${marker}" + JSON.stringify({ file, message, module: isModule }));
  }
}
`;

interface Finding {
  file: string;
  message: string;
  module?: boolean;
}

function findings(output: string): Finding[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith(marker))
    .map((line) => JSON.parse(line.slice(marker.length)) as Finding);
}

/** The parser's message without node's stack frames and version line, at most its last 6 lines. */
const lastLines = (text: string) =>
  text
    .trim()
    .split("\n")
    .filter((line) => !/^\s+at /.test(line) && !/^Node\.js v\d/.test(line))
    .join("\n")
    .trim()
    .split("\n")
    .slice(-6)
    .join("\n");

/**
 * Syntax first: a file that does not parse is a build error, and names itself. One sandboxed
 * process per language checks every file, instead of one process per file; a checker that fails
 * without its report (a crash, a limit) falls back to checking its files one by one.
 */
export async function checkSyntax(files: ProjectFile[], run: SandboxRunner): Promise<SyntaxReport> {
  const python = files.filter((file) => file.path.endsWith(".py")).map((file) => file.path);
  const javascript = files.filter((file) => /\.(m|c)?js$/.test(file.path)).map((file) => file.path);
  const broken = new Map<string, string>();
  const timeoutMs = 15_000 + 500 * files.length;

  const checkEach = async (paths: string[], command: (path: string) => string[]) => {
    for (const filePath of paths) {
      const result = await run(command(filePath), 15_000);
      if (result.exitCode !== 0) broken.set(filePath, lastLines(result.output));
    }
  };

  if (python.length > 0) {
    const result = await run(["python3", "-c", pythonChecker, ...python], timeoutMs);
    if (result.exitCode === 0) for (const finding of findings(result.output)) broken.set(finding.file, lastLines(finding.message));
    else await checkEach(python, (filePath) => ["python3", "-m", "py_compile", filePath]);
  }
  if (javascript.length > 0) {
    const result = await run(["node", "--experimental-vm-modules", "--no-warnings", "-e", javascriptChecker, "--", ...javascript], timeoutMs);
    if (result.exitCode === 0) {
      const found = findings(result.output);
      for (const finding of found.filter((entry) => !entry.module)) broken.set(finding.file, lastLines(finding.message));
      // Rare (a broken module): node --check names the line and column.
      await checkEach(found.filter((entry) => entry.module).map((entry) => entry.file), (filePath) => ["node", "--check", filePath]);
    } else {
      await checkEach(javascript, (filePath) => ["node", "--check", filePath]);
    }
  }
  const ordered = files.map((file) => file.path).filter((filePath) => broken.has(filePath));
  return { errors: ordered.map((filePath) => `${filePath}: ${broken.get(filePath)}`), files: ordered };
}
