import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildHostileScenario, hostileExampleDirectory, renderScenario } from "../../examples/hostile-python/build-scenario.ts";
import { loadExample } from "./support/load-example.ts";

const scenarioPath = path.join(hostileExampleDirectory, "scenario.json");
const example = loadExample("hostile-python", "scenario.json");
const fileText = async (filePath: string) => {
  const text = (await example).files.get(filePath);
  if (text === undefined) throw new Error(`the scenario has no file ${filePath}`);
  return text;
};
const allTexts = async () => [...(await example).files.values()].join("\n");

describe("hostile-python scenario.json", () => {
  it("is exactly what build-scenario.ts makes from source/, task.yaml and scenario-base.yaml", async () => {
    const committed = await readFile(scenarioPath, "utf8");
    expect(committed, "run: npx tsx examples/hostile-python/build-scenario.ts").toBe(renderScenario(await buildHostileScenario()));
  });

  it("holds CR and tab only as JSON escapes, never as raw bytes", async () => {
    const committed = await readFile(scenarioPath, "utf8");
    expect(committed).not.toMatch(/[\r\t]/);
    expect(committed).toContain("\\r\\n");
    expect(committed).toContain("\\t");
  });

  it("keeps the sources byte-exact in git (-text, so no line-ending conversion)", () => {
    const sourceFile = path.join(hostileExampleDirectory, "source/hostile/paths.py");
    const attribute = execFileSync("git", ["check-attr", "text", "--", sourceFile], { cwd: hostileExampleDirectory, encoding: "utf8" });
    expect(attribute.trim()).toMatch(/: text: unset$/);
  });
});

describe("hostile-python file texts really hold the hostile features", () => {
  it("has a file with CRLF line endings and no bare LF", async () => {
    const text = await fileText("hostile/paths.py");
    expect(text.split("\r\n").length).toBeGreaterThan(10);
    expect(text.replaceAll("\r\n", "")).not.toContain("\n");
  });

  it("has a file indented with tabs only, three levels deep", async () => {
    const lines = (await fileText("hostile/formatting.py")).split("\n");
    expect(lines.some((line) => line.startsWith("\t\t\t"))).toBe(true);
    expect(lines.some((line) => line.startsWith(" "))).toBe(false);
  });

  it("has a line ending in a space", async () => {
    expect((await fileText("hostile/unicode_text.py")).split("\n")).toContain('BANNER = """∑ résumé ');
  });

  it("has docstrings in both triple-quote styles with quotes inside", async () => {
    const text = await fileText("hostile/docstrings.py");
    expect(text.startsWith("'''")).toBe(true);
    expect(text).toMatch(/"""[^\n]*'''[^\n]*"""/);
    expect(text).toMatch(/'''[^\n]*"""[^\n]*'''/);
    expect(text).toContain(`\\"""escaped\\"""`);
    expect(text).toContain("```python");
  });

  it("has backslashes: Windows paths, raw strings, doubled escapes and a \\u escape", async () => {
    const paths = await fileText("hostile/paths.py");
    expect(paths).toContain(String.raw`r"C:\new\table\x41"`);
    expect(paths).toContain(String.raw`"C:\\new\\table\\x41"`);
    expect(paths).toContain(String.raw`r"\\server\share\docs"`);
    expect(await fileText("hostile/docstrings.py")).toContain(String.raw`"caf\u00e9"`);
  });

  it("has regular expressions with \\d, \\w and both quote kinds", async () => {
    const text = await fileText("hostile/patterns.py");
    expect(text).toContain(String.raw`\d{4}`);
    expect(text).toContain(String.raw`(?P<key>\w+)`);
    expect(text).toContain(String.raw`r"""(['"])(\w+)\1"""`);
  });

  it("has f-strings with nested f-strings, format specs and literal braces", async () => {
    const text = await fileText("hostile/formatting.py");
    expect(text).toContain(`f"{name}({', '.join(f'{key}={value!r}'`);
    expect(text).toContain("{name:>{width}}");
    expect(text).toContain("{{{value:,.2f}}}");
  });

  it("has unicode: é, 中文, emoji and ∑", async () => {
    const texts = await allTexts();
    for (const sample of ["é", "中文", "∑"]) expect(texts).toContain(sample);
    expect(texts).toMatch(/\p{Extended_Pictographic}/u);
  });
});
