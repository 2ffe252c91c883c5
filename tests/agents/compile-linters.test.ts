import { describe, expect, it } from "vitest";
import { compileChecks } from "../../agents/tester/compile/index.ts";
import { runProjectTests } from "../../agents/tester/run-project-tests.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

// eslint comes from the npm registry the first time (later runs hit the shared cache); go vet builds the module.
const deps = testRunDeps({ timeoutMs: 120_000 });

const sumSource = "function sum(a, b) {\n  const unused = 1;\n  return a == 0 ? b : a + b;\n}\n\nmodule.exports = { sum };\n";
const javascriptProject = [
  { path: "package.json", content: JSON.stringify({ name: "linted", version: "1.0.0", private: true, devDependencies: { eslint: "9.39.5" } }, null, 2) },
  { path: "src/sum.js", content: sumSource },
  { path: "test/sum.test.js", content: "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { sum } = require('../src/sum.js');\n\ntest('adds', () => assert.equal(sum(2, 3), 5));\n" },
];
const eslintConfig = {
  path: "eslint.config.js",
  content: "module.exports = [\n  {\n    languageOptions: { sourceType: 'commonjs' },\n    rules: { 'no-unused-vars': 'error', eqeqeq: 'warn' },\n  },\n];\n",
};

describe("eslint runs only where the project configures it", () => {
  it("gives the project's findings, errors failing the compile phase with file and line, warnings only logged", async () => {
    const report = await runProjectTests([...javascriptProject, eslintConfig], deps);
    expect(report.install.steps).toMatchObject([{ tool: "npm", ok: true }]);
    const eslint = report.compile.findings.filter((finding) => finding.tool === "eslint");
    expect(eslint).toEqual([
      expect.objectContaining({ file: "src/sum.js", line: 2, severity: "error", rule: "no-unused-vars" }),
      expect.objectContaining({ file: "src/sum.js", line: 3, severity: "warning", rule: "eqeqeq" }),
    ]);
    expect(report.buildErrors).toEqual([expect.stringMatching(/^src\/sum\.js:2: eslint no-unused-vars: 'unused' is assigned a value but never used/)]);
    expect(report).toMatchObject({ verdict: "FAIL", total: 0, implicatedFiles: ["src/sum.js"] });
  }, 300_000);

  it("is not among the compile checks of a project without an eslint config, even with eslint in its devDependencies", () => {
    const checks = (files: typeof javascriptProject) => compileChecks.filter((check) => check.applies(files)).map((check) => check.id);
    expect(checks(javascriptProject)).toEqual(["syntax"]);
    expect(checks([...javascriptProject, eslintConfig])).toEqual(["syntax", "eslint"]);
    expect(checks([...javascriptProject, { path: ".eslintrc.json", content: "{}\n" }])).toEqual(["syntax", "eslint"]);
  });
});

describe("go vet", () => {
  it("turns a vet finding into an error with its file and line, before any test runs", async () => {
    const report = await runProjectTests([
      { path: "go.mod", content: "module example.com/count\n\ngo 1.21\n" },
      { path: "count.go", content: "package count\n\nimport \"fmt\"\n\n// Describe names a count.\nfunc Describe(n int) string {\n\treturn fmt.Sprintf(\"%s items\", n)\n}\n" },
      { path: "count_test.go", content: "package count\n\nimport \"testing\"\n\nfunc TestDescribe(t *testing.T) {\n\tif Describe(0) == \"\" {\n\t\tt.Fatal(\"empty\")\n\t}\n}\n" },
    ], deps);
    expect(report.compile.findings).toEqual([expect.objectContaining({ tool: "go vet", file: "count.go", line: 7, severity: "error" })]);
    expect(report.compile.findings[0]!.message).toContain("fmt.Sprintf format %s has arg n of wrong type int");
    expect(report.buildErrors).toEqual([expect.stringMatching(/^count\.go:7: go vet: fmt\.Sprintf format %s/)]);
    expect(report).toMatchObject({ verdict: "FAIL", total: 0, runners: [], implicatedFiles: ["count.go"] });
  }, 300_000);
});
