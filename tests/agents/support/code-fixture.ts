import type { Design } from "../../../schemas/design.ts";
import type { Manifest, ManifestEntry } from "../../../schemas/manifest.ts";
import type { Plan } from "../../../schemas/plan.ts";
import type { Task } from "../../../schemas/task.ts";

/** A small Python project: a greeting module, a package marker, a test of the module, and a requirements file. */
export const task: Task = {
  title: "Greeting library",
  description: "A Python package greet with one function that greets a person by name.",
  requirements: ["greet(name) returns 'Hello, <name>!'", "an empty name raises ValueError"],
};

export const plan: Plan = {
  summary: "One unit.",
  units: [{ id: "greeting", name: "Greeting", description: "Format the greeting.", api_interactions: 0, data_transformations: 1, logical_branches: 1, code_entities_modified: 1, novelty: 1, complexity: 3 }],
  totals: { units: 1, complexity: 3 },
};

export const design: Design = {
  overview: "A package greet with one module.",
  technologyStack: ["Python 3.11", "pytest"],
  packages: [{ name: "pytest", version: ">=8,<9", ecosystem: "pypi", dev: true, purpose: "runs the tests" }],
  apiContracts: [{ name: "greet", signature: "greet(name: str) -> str", description: "The greeting.", inputs: [], outputs: [], errors: ["ValueError on an empty name"], schemas: [] }],
  dataSchemas: [],
  components: [{ id: "greeter", name: "greet.core", responsibility: "Greets.", unitIds: ["greeting"], interfaces: ["greet"], dependsOn: [] }],
  reviewChecklist: ["An empty name raises ValueError"],
};

export const entry = (path: string, overrides: Partial<ManifestEntry> = {}): ManifestEntry => ({
  path,
  type: "source",
  purpose: `the file ${path}`,
  unitId: "greeting",
  componentId: "greeter",
  estimatedLines: 10,
  dependsOn: [],
  ...overrides,
});

export const manifest: Manifest = {
  language: "python",
  files: [
    entry("tests/test_core.py", { type: "test", estimatedLines: 40, dependsOn: ["greet/core.py", "greet/__init__.py"] }),
    entry("greet/__init__.py", { estimatedLines: 0 }),
    entry("greet/core.py", { estimatedLines: 12 }),
    entry("requirements.txt", { type: "config", estimatedLines: 1 }),
  ],
};

export const sourceRoundOne = "def greet(name):\n    return 'Hello, ' + name + '!'\n";
export const sourceRoundTwo = "def greet(name):\n    if not name:\n        raise ValueError('name is empty')\n    return f'Hello, {name}!'\n";
export const testText = "from greet.core import greet\n\ndef test_greets():\n    assert greet('Ada') == 'Hello, Ada!'\n\ndef test_empty_name():\n    import pytest\n    with pytest.raises(ValueError):\n        greet('')\n";

/** Round 1's text of every written file of the manifest (greet/__init__.py is declared empty). */
export const roundOneFiles = { "greet/core.py": sourceRoundOne, "tests/test_core.py": testText, "requirements.txt": "pytest>=8,<9\n" };

/** The code agent's input for round 1. */
export function codeInput(overrides: Record<string, unknown> = {}) {
  return { runId: "run-1", task, stage: "code", round: 1, reviewers: [], plan, design, ...overrides };
}

export function scenario(files: Record<string, string | string[]>, code: unknown = manifest) {
  return { name: "code-handler", agents: { code: code as Record<string, unknown> }, files };
}
