import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderRepositoryMap } from "../../agents/shared/render-repository-map.ts";
import { pythonSymbolParser } from "../../cli/repository/python-symbols.ts";
import { buildRepositoryMap } from "../../cli/repository/repository-map.ts";
import { scriptSymbolParser } from "../../cli/repository/typescript-symbols.ts";
import { goDocIn, goSymbolParser } from "../../cli/repository/go-symbols.ts";

const example = path.resolve(import.meta.dirname, "../../examples/change-python/repository");
const parsers = { python: pythonSymbolParser(), scripts: scriptSymbolParser() };
const read = async (file: string) => ({ path: file, content: await readFile(path.join(example, file), "utf8") });

describe("the repository map", () => {
  it("lists the public symbols of Python files from the ast module, with signatures, and finds the tests and their runner", async () => {
    const files = await Promise.all(["wordcount/counter.py", "wordcount/__init__.py", "tests/__init__.py", "tests/test_counter.py", "README.md"].map(read));
    const map = await buildRepositoryMap(files, parsers);
    const counter = map.files.find((file) => file.path === "wordcount/counter.py")!;
    expect(counter).toMatchObject({ language: "python", lines: 20, symbols: ["def count_words(text: str) -> int", "def count_lines(text: str) -> int"] });
    // The private pattern _WORD is not public; the test class and its methods are.
    expect(map.files.find((file) => file.path === "tests/test_counter.py")!.symbols).toContain("class CountWordsTest(unittest.TestCase)");
    expect(map.files.find((file) => file.path === "README.md")).toMatchObject({ language: "markdown", symbols: [] });
    expect(map.tests).toEqual({ files: ["tests/__init__.py", "tests/test_counter.py"], runners: [{ id: "python-unittest", language: "python" }] });
  });

  it("reads what a parser reads: a definition inside a string is no symbol, a syntax error is said", async () => {
    const map = await buildRepositoryMap(
      [
        { path: "tricky.py", content: 'TEXT = """\ndef fake(): pass\n"""\n\nasync def fetch(url, *, retries=3):\n    pass\n' },
        { path: "broken.py", content: "def broken(:\n" },
      ],
      parsers,
    );
    expect(map.files[0]!.symbols).toEqual(["TEXT = ...", "async def fetch(url, *, retries=3)"]);
    expect(map.files[1]).toMatchObject({ symbols: [], note: expect.stringMatching(/^syntax error at line 1/) });
  });

  it("lists the exports of TypeScript and JavaScript modules from the TypeScript compiler", async () => {
    const source = [
      "export interface Options { verbose: boolean }",
      "export function parse(text: string, options?: Options): string[] {",
      "  return [];",
      "}",
      "function hidden() {}",
      "export class Counter {",
      "  constructor(private readonly start: number) {}",
      "  increment(by = 1): number { return by; }",
      "  private reset() {}",
      "}",
      "export const limit: number = 3;",
      "// export function commented() {}",
    ].join("\n");
    const map = await buildRepositoryMap([{ path: "src/parse.ts", content: source }, { path: "lib/index.js", content: "export { parse } from './parse.js';\n" }], parsers);
    expect(map.files[0]!.symbols).toEqual([
      "interface Options",
      "function parse(text: string, options?: Options): string[]",
      "class Counter",
      "  constructor(private readonly start: number)",
      "  increment(by = 1): number",
      "const limit: number",
    ]);
    expect(map.files[1]!.symbols).toEqual(["export { parse } from './parse.js';"]);
  });

  it("lists what a CommonJS module assigns to module.exports", async () => {
    const map = await buildRepositoryMap([{ path: "lib/math.cjs", content: "function add(a, b) { return a + b; }\nmodule.exports = { add, twice: (x) => 2 * x };\nexports.version = '1';\n" }], parsers);
    expect(map.files[0]!.symbols).toEqual(["module.exports = { add, twice }", "exports.version"]);
  });

  it("says when the TypeScript compiler is not there instead of guessing", async () => {
    const withoutCompiler = scriptSymbolParser(async () => {
      throw new Error("Cannot find package 'typescript'");
    });
    const map = await buildRepositoryMap([{ path: "a.js", content: "export function a() {}\n" }], { ...parsers, scripts: withoutCompiler });
    expect(map.files[0]).toMatchObject({ symbols: [], note: "no symbols: the typescript package is not installed" });
  });

  it("is rendered into the prompts for a change request, and is empty for a new project", async () => {
    const map = await buildRepositoryMap([await read("wordcount/counter.py"), await read("tests/test_counter.py")], parsers);
    const text = renderRepositoryMap({ name: "wordcount", head: "1".repeat(40), files: [], map });
    expect(text).toContain("- wordcount/counter.py (20 lines, 609 bytes, python)\n    def count_words(text: str) -> int");
    expect(text).toContain("Existing tests: tests/test_counter.py");
    expect(text).toContain("They run with: python-unittest (python)");
    expect(renderRepositoryMap(undefined)).toBe("");
  });

  it("lists a Go package's exported symbols from go doc, with the package's first file", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "asp-map-go-"));
    try {
      const files = [
        { path: "go.mod", content: "module example.com/roman\n\ngo 1.22\n" },
        { path: "roman/roman.go", content: 'package roman\n\nimport "errors"\n\n// ErrRange: out of range.\nvar ErrRange = errors.New("out of range")\n\nfunc ToRoman(n int) (string, error) { return "", nil }\n\nfunc helper() {}\n' },
        { path: "roman/numeral.go", content: "package roman\n\ntype Numeral struct{ Value int }\n" },
        { path: "roman/roman_test.go", content: 'package roman\n\nimport "testing"\n\nfunc TestToRoman(t *testing.T) {}\n' },
      ];
      for (const file of files) {
        await mkdir(path.dirname(path.join(root, file.path)), { recursive: true });
        await writeFile(path.join(root, file.path), file.content);
      }
      const map = await buildRepositoryMap(files, { ...parsers, go: goSymbolParser(goDocIn(root)) });
      const byPath = new Map(map.files.map((file) => [file.path, file]));
      expect(byPath.get("roman/numeral.go")).toMatchObject({ symbols: ["var ErrRange = errors.New(\"out of range\")", "func ToRoman(n int) (string, error)", "type Numeral struct{ ... }"] });
      expect(byPath.get("roman/roman.go")).toMatchObject({ symbols: [], note: "package ./roman: its symbols are listed with roman/numeral.go" });
      expect(map.tests.files).toEqual(["roman/roman_test.go"]);

      const withoutGo = await buildRepositoryMap(files, { ...parsers, go: goSymbolParser(goDocIn(root, path.join(root, "no-such-go"))) });
      expect(withoutGo.files.find((file) => file.path === "roman/roman.go")!.note).toMatch(/^no symbols: go doc \.\/roman failed/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
