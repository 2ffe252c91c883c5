import { execFile } from "node:child_process";
import path from "node:path";
import type { SymbolTable } from "./python-symbols.ts";

export type GoParser = (files: Array<{ path: string; content: string }>) => Promise<SymbolTable>;

/** Runs `go doc` in the repository; standard output, or the error's first line. */
export type GoDocRunner = (packageDirectory: string) => Promise<{ ok: true; output: string } | { ok: false; reason: string }>;

/**
 * `go doc -short` in the repository root, per package folder: the go tool's own parser (go/doc) lists the exported
 * functions, types, variables and constants with their signatures (decision 1203). Offline and without changing the
 * toolchain (GOPROXY=off, GOTOOLCHAIN=local), so mapping a repository downloads nothing, and with -mod=readonly,
 * so go.mod and go.sum in the user's working tree are never rewritten. The repository's working
 * tree is its HEAD (a dirty tree was refused), so what go doc reads is what the run sees.
 */
export function goDocIn(root: string, go = "go"): GoDocRunner {
  return (packageDirectory) =>
    new Promise((resolve) => {
      execFile(
        go,
        ["doc", "-short", `./${packageDirectory}`],
        { cwd: root, timeout: 30_000, env: { ...process.env, GOPROXY: "off", GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" } },
        (error, stdout, stderr) => resolve(error ? { ok: false, reason: (stderr || error.message).trim().split("\n")[0]! } : { ok: true, output: stdout }),
      );
    });
}

/**
 * go doc answers per package, not per file: a package's symbols go with its first file (by path), and its other
 * files say where they are listed. Test files declare nothing a caller uses.
 */
export function goSymbolParser(runGoDoc: GoDocRunner): GoParser {
  return async (files) => {
    const table: SymbolTable = new Map();
    const packages = new Map<string, string[]>();
    for (const file of files) {
      if (file.path.endsWith("_test.go")) continue;
      const directory = path.posix.dirname(file.path);
      packages.set(directory, [...(packages.get(directory) ?? []), file.path].sort());
    }
    for (const [directory, paths] of packages) {
      const label = directory === "." ? "." : `./${directory}`;
      const result = await runGoDoc(directory === "." ? "" : directory);
      const [first, ...rest] = paths;
      if (!result.ok) {
        for (const file of paths) table.set(file, { symbols: [], note: `no symbols: go doc ${label} failed (${result.reason})` });
        continue;
      }
      const symbols = result.output.split("\n").map((line) => line.trim()).filter((line) => /^(func|type|var|const) /.test(line));
      table.set(first!, { symbols, note: `the exported symbols of package ${label}, from go doc` });
      for (const file of rest) table.set(file, { symbols: [], note: `package ${label}: its symbols are listed with ${first}` });
    }
    return table;
  };
}
