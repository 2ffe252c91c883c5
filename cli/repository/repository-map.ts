import path from "node:path";
import { applicableRunners } from "../../agents/tester/runners/index.ts";
import type { RepositoryMap } from "../../schemas/repository.ts";
import type { PythonParser, SymbolTable } from "./python-symbols.ts";
import type { ScriptParser } from "./typescript-symbols.ts";
import type { GoParser } from "./go-symbols.ts";
import { lineCount } from "../../agents/shared/line-count.ts";

const languages: Record<string, string> = {
  ".py": "python",
  ".js": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
  ".jsx": "javascript",
  ".ts": "typescript",
  ".mts": "typescript",
  ".cts": "typescript",
  ".tsx": "typescript",
  ".go": "go",
  ".rs": "rust",
  ".java": "java",
  ".c": "c",
  ".h": "c",
  ".cpp": "cpp",
  ".hpp": "cpp",
  ".cc": "cpp",
  ".md": "markdown",
  ".json": "json",
  ".yaml": "yaml",
  ".yml": "yaml",
  ".toml": "toml",
  ".txt": "text",
  ".cfg": "ini",
  ".ini": "ini",
};

export function languageOf(filePath: string): string | undefined {
  return languages[path.posix.extname(filePath).toLowerCase()];
}

/** By the naming conventions of the runners the test stage knows (test_*.py, *_test.go, *.test.js, a tests/ folder). */
export function isTestFile(filePath: string): boolean {
  const name = path.posix.basename(filePath);
  if (/^test_.*\.py$|_test\.(py|go)$|\.(test|spec)\.[cm]?[jt]sx?$/.test(name)) return true;
  return /(^|\/)(tests?|__tests__)\//.test(filePath) && languageOf(filePath) !== undefined && !["markdown", "json", "text"].includes(languageOf(filePath)!);
}

export interface RepositoryMapParsers {
  python: PythonParser;
  scripts: ScriptParser;
  /** Go needs the repository on disk (go doc reads packages); left out, Go files are listed without symbols. */
  go?: GoParser;
}

/** The map planning and design read: sizes and languages, public symbols from each language's parser, the tests. */
export async function buildRepositoryMap(files: Array<{ path: string; content: string }>, parsers: RepositoryMapParsers): Promise<RepositoryMap> {
  const ofLanguage = (...names: string[]) => files.filter((file) => names.includes(languageOf(file.path) ?? ""));
  const tables: SymbolTable[] = await Promise.all([
    parsers.python(ofLanguage("python")),
    parsers.scripts(ofLanguage("javascript", "typescript")),
    parsers.go ? parsers.go(ofLanguage("go")) : Promise.resolve(new Map()),
  ]);
  const symbolsOf = (filePath: string) => tables.find((table) => table.has(filePath))?.get(filePath);
  return {
    files: files.map((file) => {
      const language = languageOf(file.path);
      const found = symbolsOf(file.path);
      return {
        path: file.path,
        bytes: Buffer.byteLength(file.content, "utf8"),
        lines: lineCount(file.content),
        ...(language ? { language } : {}),
        symbols: found?.symbols ?? [],
        ...(found?.note ? { note: found.note } : language && ["go", "rust", "java", "c", "cpp"].includes(language) && !found ? { note: "no symbols: no parser for this language yet" } : {}),
      };
    }),
    tests: {
      files: files.filter((file) => isTestFile(file.path)).map((file) => file.path),
      runners: applicableRunners(files).map((runner) => ({ id: runner.id, language: runner.language })),
    },
  };
}
