import { describe, expect, it } from "vitest";
import { checkDesign, findDependencyCycle } from "../../agents/design-review/automated-checks.ts";
import { designVerdict, codeVerdict, mergeFindings } from "../../agents/shared/verdict.ts";
import { buildPlan } from "../../agents/planning/complexity.ts";
import type { Design } from "../../schemas/design.ts";

const plan = buildPlan({
  summary: "s",
  units: ["parse", "store"].map((id) => ({ id, name: id, description: id, api_interactions: 1, data_transformations: 1, logical_branches: 1, code_entities_modified: 1, novelty: 1 as const })),
});
const design = (overrides: Partial<Design> = {}): Design => ({
  overview: "o",
  technologyStack: ["python"],
  apiContracts: [{ name: "parse", signature: "parse(text)", description: "d", inputs: [], outputs: [], errors: [], schemas: ["Record"] }, { name: "save", signature: "save(r)", description: "d", inputs: [], outputs: [], errors: [], schemas: [] }],
  dataSchemas: [{ name: "Record", description: "r", fields: [] }],
  components: [
    { id: "parser", name: "Parser", responsibility: "r", unitIds: ["parse"], interfaces: ["parse"], dependsOn: [] },
    { id: "store", name: "Store", responsibility: "r", unitIds: ["store"], interfaces: ["save"], dependsOn: ["parser"] },
  ],
  reviewChecklist: ["x"],
  ...overrides,
});

describe("automated design checks", () => {
  it("finds nothing wrong with a sound design", () => {
    expect(checkDesign(design(), plan)).toEqual([]);
  });

  it("reports an uncovered unit, a cycle, a missing interface and an unknown schema", () => {
    const broken = design({
      apiContracts: [{ name: "parse", signature: "p", description: "d", inputs: [], outputs: [], errors: [], schemas: ["Missing"] }],
      components: [
        { id: "a", name: "A", responsibility: "r", unitIds: ["parse"], interfaces: [], dependsOn: ["b"] },
        { id: "b", name: "B", responsibility: "r", unitIds: ["parse"], interfaces: ["nowhere"], dependsOn: ["a"] },
      ],
    });
    const descriptions = checkDesign(broken, plan).map((finding) => `${finding.severity}:${finding.category}:${finding.description}`);
    expect(descriptions).toEqual(expect.arrayContaining([
      'high:coverage:semantic unit "store" is not covered by any component',
      "high:dependencies:component dependencies form a cycle: a -> b -> a",
      'high:interfaces:component "a" has no interface',
      'medium:interfaces:component "b" provides "nowhere", which no API contract defines',
      'medium:schemas:API contract "parse" uses data schema "Missing", which is not defined',
    ]));
    expect(findDependencyCycle(design())).toBeUndefined();
  });
});

describe("gate verdicts", () => {
  const finding = (severity: "critical" | "high" | "medium" | "low", description = "x") => ({ severity, category: "c", description, recommendation: "", defectType: "function" as const, target: "design" as const, reviewer: "r" });
  it("fails on any critical or high finding", () => {
    expect(designVerdict([finding("low")])).toBe("PASS");
    expect(designVerdict([finding("medium")])).toBe("NEEDS_IMPROVEMENT");
    expect(designVerdict([finding("high")])).toBe("FAIL");
    expect(codeVerdict([finding("medium")])).toBe("CONDITIONAL_PASS");
    expect(codeVerdict([finding("critical")])).toBe("FAIL");
    expect(codeVerdict([])).toBe("PASS");
  });

  it("merges duplicate findings from several reviewers, keeping the most severe", () => {
    const merged = mergeFindings([finding("low", "No input validation!"), { ...finding("high", "no input validation"), reviewer: "other" }, finding("medium", "naming")]);
    expect(merged).toHaveLength(2);
    expect(merged[0]).toMatchObject({ severity: "high", reviewer: "other" });
  });
});
