import { describe, expect, it } from "vitest";
import { unsafePathReason, validateManifest } from "../../agents/code/validate-manifest.ts";
import { filesToRegenerate } from "../../agents/code/select-files.ts";
import { findUnresolvedImports } from "../../agents/shared/check-imports.ts";
import { ValidationError } from "../../errors/index.ts";
import type { Design } from "../../schemas/design.ts";
import { manifestSchema, type Manifest } from "../../schemas/manifest.ts";
import { designSchema, type DesignPackage } from "../../schemas/design.ts";
import { packagesForFile } from "../../agents/code/dependency-files.ts";

const design = { components: [{ id: "core" }, { id: "cli" }] } as unknown as Design;
const entry = (path: string, overrides: Partial<Manifest["files"][number]> = {}) => ({ path, type: "source" as const, purpose: "p", unitId: "u", componentId: "core", estimatedLines: 10, dependsOn: [], ...overrides });
const manifest = (files: Manifest["files"]): Manifest => ({ language: "python", files });

describe("manifest validation", () => {
  it.each([
    ["../x", "traverses out of the output folder"],
    ["/etc/x", "is absolute"],
    ["a/../../x", "traverses"],
    ["C:/x", "is absolute"],
    ["a\\b", "backslash"],
    ["./a", "not normalised"],
    ["a//b", "not normalised"],
    [".git/config", ".git"],
  ])("rejects %s", (path, reason) => {
    expect(unsafePathReason(path)).toContain(reason);
  });

  it("accepts ordinary relative paths", () => {
    for (const path of ["a.py", "pkg/mod.py", "tests/test_x.py", ".gitignore", "src/a.b.js"]) expect(unsafePathReason(path)).toBeUndefined();
  });

  it("rejects a manifest with ../x or /etc/x, naming each bad path and why", () => {
    const bad = manifest([entry("../x"), entry("/etc/x", { componentId: "cli" }), entry("t.py", { type: "test" })]);
    expect(() => validateManifest(bad, design)).toThrow(ValidationError);
    try {
      validateManifest(bad, design);
    } catch (error) {
      expect((error as ValidationError).code).toBe("manifest_invalid");
      expect((error as Error).message).toContain('path "../x" traverses out of the output folder');
      expect((error as Error).message).toContain('path "/etc/x" is absolute');
    }
  });

  it("requires every component covered, unique paths, known dependencies and a test", () => {
    const bad = manifest([entry("a.py"), entry("A.py"), entry("b.py", { dependsOn: ["missing.py"] })]);
    expect(() => validateManifest(bad, design)).toThrow(/component "cli" has no file.*|listed twice/);
    const message = (() => { try { validateManifest(bad, design); return ""; } catch (error) { return (error as Error).message; } })();
    expect(message).toContain('"A.py" is listed twice');
    expect(message).toContain('"b.py" depends on "missing.py"');
    expect(message).toContain("the manifest has no test file");
    expect(message).toContain('component "cli" has no file');
  });
});

describe("choosing files to regenerate", () => {
  const files = manifest([entry("pkg/a.py"), entry("pkg/b.py"), entry("tests/test_a.py", { type: "test", dependsOn: ["pkg/a.py"] })]);
  const feedback = (paths: string[]) => ({ fromStage: "test", round: 1, summary: "s", findings: [], files: paths });

  it("takes only the named files, plus what a named test depends on", () => {
    expect(filesToRegenerate(files, feedback(["pkg/b.py"])).map((item) => item.path)).toEqual(["pkg/b.py"]);
    expect(filesToRegenerate(files, feedback(["tests/test_a.py"])).map((item) => item.path)).toEqual(["pkg/a.py", "tests/test_a.py"]);
  });

  it("regenerates everything when the feedback names no file of the project", () => {
    expect(filesToRegenerate(files, feedback(["elsewhere.py"]))).toHaveLength(3);
  });
});

describe("local import resolution", () => {
  it("flags JavaScript and Python imports of files that do not exist", () => {
    const problems = findUnresolvedImports([
      { path: "src/app.js", content: "import { a } from './a.js';\nimport b from './missing.js';\nimport fs from 'node:fs';\n" },
      { path: "src/a.js", content: "export const a = 1;\n" },
      { path: "pkg/__init__.py", content: "# pkg\n" },
      { path: "pkg/core.py", content: "import os\nfrom pkg.util import x\nfrom .helpers import y\nfrom . import core\n" },
      { path: "pkg/util.py", content: "x = 1\n" },
    ]);
    expect(problems).toEqual([
      { file: "src/app.js", imports: ["./missing.js"] },
      { file: "pkg/core.py", imports: [".helpers"] },
    ]);
  });
});

describe("dependencies are part of the plan", () => {
  it("a manifest may be in any language of the machines, and may declare an empty file with estimatedLines 0", () => {
    for (const language of ["python", "javascript", "typescript", "go", "rust", "java", "cpp"]) {
      expect(manifestSchema.safeParse({ language, files: [entry("a")] }).success, language).toBe(true);
    }
    expect(manifestSchema.safeParse({ language: "cobol", files: [entry("a")] }).success).toBe(false);
    expect(manifestSchema.safeParse({ language: "python", files: [entry("pkg/__init__.py", { estimatedLines: 0 })] }).success).toBe(true);
    expect(manifestSchema.safeParse({ language: "python", files: [entry("a.py", { estimatedLines: -1 })] }).success).toBe(false);
  });

  it("the design names its packages with registry and version, and a design without them still parses", () => {
    const base = { overview: "o", technologyStack: ["Go 1.22"], apiContracts: [{ name: "n", signature: "s", description: "d" }], components: [{ id: "c", name: "c", responsibility: "r", unitIds: ["u"] }], reviewChecklist: ["x"] };
    expect(designSchema.parse(base).packages).toBeUndefined();
    const withPackages = designSchema.parse({ ...base, packages: [{ name: "github.com/google/go-cmp", version: "v0.7.0", ecosystem: "go", dev: true, purpose: "diffs in tests" }] });
    expect(withPackages.packages).toHaveLength(1);
    expect(designSchema.safeParse({ ...base, packages: [{ name: "left-pad", version: "1", ecosystem: "cpan", purpose: "p" }] }).success).toBe(false);
  });

  it("each dependency file gets the packages of its registry", () => {
    const packages: DesignPackage[] = [
      { name: "fastapi", version: ">=0.115,<1", ecosystem: "pypi", purpose: "web" },
      { name: "vitest", version: "^4.1.12", ecosystem: "npm", dev: true, purpose: "tests" },
      { name: "serde", version: "1.0", ecosystem: "crates", purpose: "json" },
    ];
    expect(packagesForFile("requirements.txt", packages).map((item) => item.name)).toEqual(["fastapi"]);
    expect(packagesForFile("service/pyproject.toml", packages).map((item) => item.name)).toEqual(["fastapi"]);
    expect(packagesForFile("package.json", packages).map((item) => item.name)).toEqual(["vitest"]);
    expect(packagesForFile("Cargo.toml", packages).map((item) => item.name)).toEqual(["serde"]);
    expect(packagesForFile("CMakeLists.txt", packages)).toEqual([]);
    expect(packagesForFile("src/main.py", packages)).toEqual([]);
  });
});
