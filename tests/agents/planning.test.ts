import { describe, expect, it } from "vitest";
import { buildPlan, computeComplexity } from "../../agents/planning/complexity.ts";
import { linearRegression, probeEstimate } from "../../agents/planning/probe.ts";
import type { HistoryRecord } from "../../schemas/postmortem.ts";

const unit = (overrides: Partial<Parameters<typeof computeComplexity>[0]> = {}) => ({
  id: "unit-a", name: "A", description: "a unit", api_interactions: 2, data_transformations: 3, logical_branches: 4, code_entities_modified: 1, novelty: 1 as const, ...overrides,
});

describe("planning complexity", () => {
  it("is round((2*API + 5*DT + 3*LB + 4*CE) * novelty), computed in code", () => {
    expect(computeComplexity(unit())).toBe(2 * 2 + 5 * 3 + 3 * 4 + 4 * 1);
    expect(computeComplexity(unit({ novelty: 1.5 }))).toBe(Math.round(35 * 1.5));
    expect(computeComplexity(unit({ api_interactions: 1, data_transformations: 1, logical_branches: 1, code_entities_modified: 1, novelty: 1.5 }))).toBe(21);
  });

  it("carries per-unit complexity and totals", () => {
    const plan = buildPlan({ summary: "s", units: [unit(), unit({ id: "unit-b", novelty: 2 })] });
    expect(plan.units.map((item) => item.complexity)).toEqual([35, 70]);
    expect(plan.totals).toEqual({ units: 2, complexity: 105 });
    expect(plan.probe).toBeUndefined();
  });
});

describe("PROBE estimates", () => {
  it("fits a perfect line exactly", () => {
    const regression = linearRegression([{ x: 1, y: 12 }, { x: 2, y: 22 }, { x: 3, y: 32 }], 4);
    expect(regression.slope).toBeCloseTo(10);
    expect(regression.intercept).toBeCloseTo(2);
    expect(regression.predicted).toBeCloseTo(42);
    expect(regression.rSquared).toBeCloseTo(1);
    expect(regression.upper - regression.lower).toBeCloseTo(0);
  });

  it("widens the interval with noise and lowers R²", () => {
    const regression = linearRegression([{ x: 10, y: 100 }, { x: 20, y: 260 }, { x: 30, y: 280 }, { x: 40, y: 430 }], 25);
    expect(regression.rSquared).toBeGreaterThan(0.8);
    expect(regression.rSquared).toBeLessThan(1);
    expect(regression.lower).toBeLessThan(regression.predicted);
    expect(regression.upper).toBeGreaterThan(regression.predicted);
  });

  it("needs three or more past runs", () => {
    const record = (complexity: number, tokens: number): HistoryRecord => ({
      runId: `r${complexity}`, finishedAt: new Date(complexity).toISOString(), outcome: "passed", estimatedComplexity: complexity,
      actualTokens: tokens, actualCostUsd: tokens / 1000, actualDurationMs: tokens * 2, files: 3, lines: 90, defects: 0, defectDensityPerKloc: 0, yield: 1,
    });
    expect(probeEstimate([record(10, 1000), record(20, 2000)], 15)).toBeUndefined();
    const estimate = probeEstimate([record(10, 1000), record(20, 2000), record(30, 3000)], 25)!;
    expect(estimate.historyRuns).toBe(3);
    expect(estimate.tokens.predicted).toBeCloseTo(2500);
    expect(estimate.costUsd.predicted).toBeCloseTo(2.5);
    expect(estimate.durationMs.predicted).toBeCloseTo(5000);
  });
});
