import path from "node:path";
import { packageManifest, rootFile, isTypescript } from "../runners/project-files.ts";
import type { CompileCheck, CompileFinding } from "../runners/types.ts";

/** tsc: "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'." */
export function parseTsc(output: string): CompileFinding[] {
  return [...output.matchAll(/^([^\s(][^(\n]*)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/gm)].map((match) => ({
    tool: "tsc",
    file: match[1]!.replace(/^\.\//, ""),
    line: Number(match[2]),
    column: Number(match[3]),
    severity: match[4] === "warning" ? "warning" : "error",
    rule: match[5]!,
    message: match[6]!.trim(),
  }));
}

/** go vet and the compiler: "./main.go:10:2: message" (vet findings fail `go test` too, so they are errors). */
export function parseGoVet(output: string): CompileFinding[] {
  return [...output.matchAll(/^(?:vet: )?\.?\/?([\w./-]+\.go):(\d+):(\d+): (.*)$/gm)].map((match) => ({
    tool: "go vet",
    file: match[1]!,
    line: Number(match[2]),
    column: Number(match[3]),
    severity: "error",
    message: match[4]!.trim(),
  }));
}

/** cargo check --message-format short: "src/lib.rs:3:5: error[E0425]: cannot find value `x`". */
export function parseCargoCheck(output: string): CompileFinding[] {
  return [...output.matchAll(/^([\w./-]+\.rs):(\d+):(\d+): (error|warning)(?:\[(\w+)\])?: (.*)$/gm)].map((match) => ({
    tool: "cargo check",
    file: match[1]!,
    line: Number(match[2]),
    column: Number(match[3]),
    severity: match[4] === "warning" ? "warning" : "error",
    ...(match[5] ? { rule: match[5] } : {}),
    message: match[6]!.trim(),
  }));
}

/** The project's own compiler when it installed one, else the agent's. */
export const typescriptCheck: CompileCheck = {
  id: "tsc",
  language: "typescript",
  toolchain: ["node"],
  applies: (files) => files.some((file) => isTypescript(file.path)),
  async run(files, environment, run) {
    const own = environment.nodeModulesInstalled && packageManifest(files)?.devDependencies?.typescript ? "node_modules/typescript/bin/tsc" : undefined;
    const tsc = own ?? environment.tools.tsc;
    if (!tsc) return [{ tool: "tsc", file: files.find((file) => isTypescript(file.path))!.path, severity: "error", message: "toolchain typescript is not installed on this machine" }];
    // Without a tsconfig, the settings a Node project would choose, and Node's own types from the agent's packages.
    const nodeTypes = own ? [] : ["--typeRoots", path.join(path.dirname(tsc), "..", "..", "@types"), "--types", "node"];
    const defaults = ["--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck", "--allowImportingTsExtensions", ...nodeTypes];
    const project = rootFile(files, "tsconfig.json") ? ["-p", "."] : [...defaults, ...files.map((file) => file.path).filter(isTypescript)];
    const result = await run(["node", tsc, "--noEmit", "--pretty", "false", ...project], { timeoutMs: 120_000 });
    const findings = parseTsc(result.output);
    if (findings.length === 0 && result.exitCode !== 0) {
      return [{ tool: "tsc", file: rootFile(files, "tsconfig.json") ? "tsconfig.json" : files.find((file) => isTypescript(file.path))!.path, severity: "error", message: result.output.trim().split("\n").slice(-5).join("\n") || `tsc exited with ${result.exitCode}` }];
    }
    return findings;
  },
};

export const goVetCheck: CompileCheck = {
  id: "go-vet",
  language: "go",
  toolchain: ["go"],
  applies: (files) => Boolean(rootFile(files, "go.mod")),
  async run(_files, _environment, run) {
    const result = await run(["go", "vet", "./..."], { timeoutMs: 180_000 });
    const findings = parseGoVet(result.output);
    if (findings.length === 0 && result.exitCode !== 0) return [{ tool: "go vet", file: "go.mod", severity: "error", message: result.output.trim().split("\n").slice(-5).join("\n") }];
    return findings;
  },
};

export const cargoCheck: CompileCheck = {
  id: "cargo-check",
  language: "rust",
  toolchain: ["cargo"],
  applies: (files) => Boolean(rootFile(files, "Cargo.toml")),
  async run(_files, _environment, run) {
    const result = await run(["cargo", "check", "--offline", "--all-targets", "--color", "never", "--message-format", "short"], { timeoutMs: 300_000 });
    const findings = parseCargoCheck(result.output);
    if (!findings.some((finding) => finding.severity === "error") && result.exitCode !== 0) return [...findings, { tool: "cargo check", file: "Cargo.toml", severity: "error", message: result.output.trim().split("\n").slice(-5).join("\n") }];
    return findings;
  },
};
