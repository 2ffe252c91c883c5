import { describe, expect, it } from "vitest";
import { buildRequirements } from "../../agents/tester/install/build-requirements.ts";

describe("a pyproject.toml's build requirements", () => {
  it("are [build-system] requires, over several lines, with extras and comments", () => {
    const pyproject = [
      "[project]",
      'name = "demo"',
      'dependencies = ["requests"]',
      "",
      "[build-system]",
      "requires = [",
      '  "setuptools>=61",  # the backend',
      "  'cython[extra]>=3',",
      "]",
      'build-backend = "setuptools.build_meta"',
      "",
      "[tool.ruff]",
      'requires = ["not-this"]',
    ].join("\n");
    expect(buildRequirements(pyproject)).toEqual(["setuptools>=61", "cython[extra]>=3"]);
  });

  it("are pip's own fallback when the project has no [build-system] table or no requires in it", () => {
    expect(buildRequirements('[project]\nname = "demo"\n')).toEqual(["setuptools>=40.8.0"]);
    expect(buildRequirements('[build-system]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "demo"\n')).toEqual(["setuptools>=40.8.0"]);
  });

  it("are none when the project says so", () => {
    expect(buildRequirements("[build-system]\nrequires = []\n")).toEqual([]);
  });

  it("are read from a [build-system] table that is not the first", () => {
    expect(buildRequirements('[project]\nname = "demo"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n')).toEqual(["hatchling"]);
  });
});
