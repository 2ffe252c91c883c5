import type { Design } from "../../schemas/design.ts";
import type { Plan } from "../../schemas/plan.ts";
import type { Finding } from "../../schemas/review.ts";

/** A cycle in component dependencies, as the list of ids around it, or undefined. */
export function findDependencyCycle(design: Design): string[] | undefined {
  const dependencies = new Map(design.components.map((component) => [component.id, component.dependsOn]));
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === "done") return undefined;
    if (state.get(id) === "visiting") return [...path.slice(path.indexOf(id)), id];
    state.set(id, "visiting");
    path.push(id);
    for (const next of dependencies.get(id) ?? []) {
      if (!dependencies.has(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const id of dependencies.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Checks a design can be held to without a model: coverage, cycles, interfaces, schema agreement. */
export function checkDesign(design: Design, plan: Plan): Finding[] {
  const findings: Finding[] = [];
  const add = (severity: Finding["severity"], category: string, description: string, extra: Partial<Finding> = {}) =>
    findings.push({ severity, category, description, recommendation: "", defectType: "interface", target: "design", ...extra });

  const componentIds = new Set(design.components.map((component) => component.id));
  const covered = new Set(design.components.flatMap((component) => component.unitIds));
  for (const unit of plan.units) {
    if (!covered.has(unit.id)) add("high", "coverage", `semantic unit "${unit.id}" is not covered by any component`, { defectType: "function" });
  }
  const unitIds = new Set(plan.units.map((unit) => unit.id));
  for (const component of design.components) {
    for (const unitId of component.unitIds) {
      if (!unitIds.has(unitId)) {
        add("medium", "coverage", `component "${component.id}" names unknown semantic unit "${unitId}"`, { componentId: component.id, target: "plan" });
      }
    }
    for (const dependency of component.dependsOn) {
      if (!componentIds.has(dependency)) add("high", "dependencies", `component "${component.id}" depends on unknown component "${dependency}"`, { componentId: component.id });
    }
  }
  const cycle = findDependencyCycle(design);
  if (cycle) add("high", "dependencies", `component dependencies form a cycle: ${cycle.join(" -> ")}`, { defectType: "system" });

  const contractNames = new Set(design.apiContracts.map((contract) => contract.name));
  for (const component of design.components) {
    if (component.interfaces.length === 0) add("high", "interfaces", `component "${component.id}" has no interface`, { componentId: component.id });
    for (const name of component.interfaces) {
      if (!contractNames.has(name)) add("medium", "interfaces", `component "${component.id}" provides "${name}", which no API contract defines`, { componentId: component.id });
    }
  }
  const schemaNames = new Set(design.dataSchemas.map((schema) => schema.name));
  for (const contract of design.apiContracts) {
    for (const name of contract.schemas) {
      if (!schemaNames.has(name)) add("medium", "schemas", `API contract "${contract.name}" uses data schema "${name}", which is not defined`, { defectType: "data" });
    }
  }
  return findings;
}
