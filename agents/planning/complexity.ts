import type { PlanDraft, Plan, ProbeEstimate, SemanticUnitDraft } from "../../schemas/plan.ts";

/**
 * The PSP-style size measure. Always computed here, never taken from the model: a model that
 * is asked for arithmetic gets it wrong often enough to poison the estimates built on it.
 */
export function computeComplexity(unit: SemanticUnitDraft): number {
  const weighted =
    2 * unit.api_interactions + 5 * unit.data_transformations + 3 * unit.logical_branches + 4 * unit.code_entities_modified;
  return Math.round(weighted * unit.novelty);
}

export function buildPlan(draft: PlanDraft, probe?: ProbeEstimate): Plan {
  const units = draft.units.map((unit) => ({ ...unit, complexity: computeComplexity(unit) }));
  const complexity = units.reduce((sum, unit) => sum + unit.complexity, 0);
  return { summary: draft.summary, units, totals: { units: units.length, complexity }, ...(probe ? { probe } : {}) };
}
