import { describe, expect, it } from "vitest";
import type { Design } from "../../schemas/design.ts";
import type { Manifest } from "../../schemas/manifest.ts";
import type { PlanDraft } from "../../schemas/plan.ts";
import { designProblems, fileProblems, isNormalisedPath, manifestProblems, reviewProblems } from "./support/structure-checks.ts";
import { localImports } from "./support/local-imports.ts";
import { countTests } from "./support/run-project.ts";

// The example tests pass only if these checks can fail: each case here is a broken scenario they must catch.

const unit = (id: string) => ({
  id, name: id, description: id, api_interactions: 0, data_transformations: 1, logical_branches: 1, code_entities_modified: 1, novelty: 1 as const,
});
const plan: PlanDraft = { summary: "s", units: [unit("a"), unit("b")] };
const component = (id: string, unitIds: string[], dependsOn: string[] = []) => ({
  id, name: id, responsibility: id, unitIds, interfaces: [`${id}-api`], dependsOn,
});
const contract = (name: string, schemas: string[] = []) => ({ name, signature: name, description: name, inputs: [], outputs: [], errors: [], schemas });
const design = (components: Design["components"]): Design => ({
  overview: "o",
  technologyStack: ["python"],
  apiContracts: components.map((each) => contract(`${each.id}-api`)),
  dataSchemas: [],
  components,
  reviewChecklist: ["c"],
});
const entry = (path: string, extra: Partial<Manifest["files"][number]> = {}) => ({
  path, type: "source" as const, purpose: "p", unitId: "a", componentId: "x", estimatedLines: 1, dependsOn: [], ...extra,
});

describe("design checks", () => {
  it("accept a design that covers every unit without cycles", () => {
    expect(designProblems(design([component("x", ["a"]), component("y", ["b"], ["x"])]), plan)).toEqual([]);
  });

  it("catch an uncovered unit, an unknown dependency and a cycle", () => {
    const problems = designProblems(design([component("x", ["a"], ["y"]), component("y", ["a"], ["x", "z"])]), plan);
    expect(problems).toContain('unit "b" is covered by no component');
    expect(problems).toContain('component "y" depends on unknown "z"');
    expect(problems.some((problem) => problem.includes("cycle"))).toBe(true);
  });

  it("catch an interface with no contract and a contract with an undefined schema", () => {
    const broken = design([component("x", ["a", "b"])]);
    broken.components[0]!.interfaces.push("missing");
    broken.apiContracts.push(contract("extra", ["Nope"]));
    expect(designProblems(broken, plan)).toEqual([
      'component "x" provides "missing", which is no API contract',
      'contract "extra" uses undefined schema "Nope"',
    ]);
  });
});

describe("manifest and file checks", () => {
  const oneComponent = design([component("x", ["a", "b"])]);

  it("reject paths that are not relative and normalised", () => {
    for (const bad of ["/abs.py", "./a.py", "a/../b.py", "a\\b.py", "a//b.py", "a/"]) expect(isNormalisedPath(bad), bad).toBe(false);
    expect(isNormalisedPath("pkg/mod.py")).toBe(true);
  });

  it("catch duplicates, unknown ids, missing test files and dangling dependsOn", () => {
    const manifest: Manifest = {
      language: "python",
      files: [entry("a.py", { unitId: "zz", dependsOn: ["nope.py"] }), entry("a.py", { componentId: "q" })],
    };
    expect(manifestProblems(manifest, oneComponent, plan, "javascript")).toEqual([
      "manifest language python is not the task's javascript",
      'path "a.py" is listed twice',
      '"a.py" names unknown unit "zz"',
      '"a.py" depends on "nope.py", which is not in the manifest',
      '"a.py" names unknown component "q"',
      "no file has type test",
    ]);
  });

  it("catch a manifest file without text, an extra text and an empty text", () => {
    const manifest: Manifest = { language: "python", files: [entry("a.py"), entry("b.py")] };
    expect(fileProblems(manifest, new Map([["a.py", " \n"], ["c.py", "x = 1\n"]]))).toEqual([
      'manifest file "b.py" has no files entry',
      'files entry "a.py" is empty, and an empty model reply is an error',
      'files entry "c.py" is not in the manifest',
    ]);
  });

  it("catch a gate-failing finding and a citation past the end of a file", () => {
    const finding = { severity: "high" as const, category: "c", description: "d", recommendation: "", defectType: "function" as const, target: "code" as const };
    const reviews = new Map([["review-security:code", { summary: "s", findings: [finding, { ...finding, severity: "low" as const, file: "a.py", line: 3 }] }]]);
    expect(reviewProblems(reviews, new Map([["a.py", "x = 1\n"]]))).toEqual([
      "review-security:code has a high finding, which fails the gate",
      "review-security:code cites a.py:3, past its end",
    ]);
  });
});

describe("local import resolution", () => {
  it("needs the exact file for a relative ES module import", () => {
    const paths = new Set(["src/a.js", "src/b.js"]);
    const found = localImports("src/a.js", 'import { b } from "./b.js";\nimport c from "./c";\nimport fs from "node:fs";\n', paths);
    expect([...found.resolved]).toEqual(["src/b.js"]);
    expect(found.unresolved).toEqual(["./c"]);
  });

  it("resolves python package, submodule and relative imports and ignores the standard library", () => {
    const paths = new Set(["pkg/__init__.py", "pkg/mod.py", "pkg/sub/__init__.py"]);
    const text = "import os\nimport pkg.mod as m\nfrom pkg import mod, thing\nfrom .sub import x\nfrom pkg.missing import y\n";
    const found = localImports("pkg/user.py", text, paths);
    expect([...found.resolved].sort()).toEqual(["pkg/__init__.py", "pkg/mod.py", "pkg/sub/__init__.py"]);
    expect(found.unresolved).toEqual(["pkg.missing"]);
  });
});

describe("test counts", () => {
  it("read unittest and node --test summaries, failures included", () => {
    expect(countTests("python", "Ran 5 tests in 0.01s\n\nFAILED (failures=1, errors=1)\n")).toEqual({ ran: 5, passed: 3 });
    expect(countTests("javascript", "# tests 9\n# suites 0\n# pass 8\n# fail 1\n")).toEqual({ ran: 9, passed: 8 });
    expect(countTests("python", "SyntaxError: invalid syntax\n")).toEqual({ ran: undefined, passed: undefined });
  });
});
