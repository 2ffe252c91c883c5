import { describe, expect, it } from "vitest";
import { parseScenario } from "../../simulator/load-scenario.ts";
import { buildPlan } from "../../agents/planning/complexity.ts";
import { checkDesign } from "../../agents/design-review/automated-checks.ts";
import { validateManifest } from "../../agents/code/validate-manifest.ts";
import { findUnresolvedImports } from "../../agents/shared/check-imports.ts";
import { applicableRunners } from "../../agents/tester/runners/index.ts";
import { stripWrappingFence } from "../../llm/fence.ts";
import { expectedAgentKeys, loadExample, type LoadedExample } from "./support/load-example.ts";
import { designProblems, fileProblems, manifestProblems, planProblems, reviewProblems } from "./support/structure-checks.ts";
import { localImports } from "./support/local-imports.ts";
import { runProjectTests, writeProject } from "./support/run-project.ts";
import { syntaxErrors } from "./support/syntax-check.ts";

interface ExampleCase {
  name: string;
  scenarioFile: string;
  runner: "python-unittest" | "node-test" | "pytest" | "npm-test" | "go-test";
  /** How many tests the generated project holds: all of them must run and pass. */
  tests: number;
  files: { min: number; max: number };
  /**
   * The dependency file of an example with third-party packages or a compiled toolchain. This file runs
   * projects by its own simple commands with nothing installed (decision 0400), so it does not run these:
   * tests/e2e/examples.test.ts runs them through the real test agent (install, compile, sandboxed tests).
   */
  dependencyFile?: "requirements.txt" | "package.json" | "go.mod";
}

const examples: ExampleCase[] = [
  { name: "hello-python", scenarioFile: "scenario.yaml", runner: "python-unittest", tests: 14, files: { min: 4, max: 6 } },
  { name: "hello-http-js", scenarioFile: "scenario.yaml", runner: "node-test", tests: 9, files: { min: 5, max: 7 } },
  { name: "service-js", scenarioFile: "scenario.yaml", runner: "node-test", tests: 35, files: { min: 16, max: 40 } },
  { name: "hostile-python", scenarioFile: "scenario.json", runner: "python-unittest", tests: 29, files: { min: 10, max: 16 } },
  { name: "fastapi-hello", scenarioFile: "scenario.yaml", runner: "pytest", tests: 12, files: { min: 5, max: 8 }, dependencyFile: "requirements.txt" },
  { name: "ts-service", scenarioFile: "scenario.yaml", runner: "npm-test", tests: 12, files: { min: 5, max: 8 }, dependencyFile: "package.json" },
  { name: "go-roman", scenarioFile: "scenario.yaml", runner: "go-test", tests: 9, files: { min: 4, max: 7 }, dependencyFile: "go.mod" },
];

/** The packages a dependency file names, with the version text it gives each (independent of the test agent's installers). */
function declaredPackages(dependencyFile: string, text: string): Map<string, string> {
  const declared = new Map<string, string>();
  if (dependencyFile === "requirements.txt") {
    for (const line of text.split("\n").map((each) => each.replace(/#.*/, "").trim()).filter(Boolean)) {
      const match = line.match(/^([A-Za-z0-9._-]+)\s*(.*)$/);
      if (match) declared.set(match[1]!.toLowerCase(), match[2]!.replace(/\s+/g, ""));
    }
  } else if (dependencyFile === "package.json") {
    const manifest = JSON.parse(text) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    for (const [name, version] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) declared.set(name, version);
  } else {
    for (const match of text.matchAll(/^\s*(?:require\s+)?([\w./-]+\.[\w./-]+)\s+(v[\w.+-]+)/gm)) declared.set(match[1]!, match[2]!);
  }
  return declared;
}

const loaded = new Map<string, Promise<LoadedExample>>();
const load = (example: ExampleCase) => {
  if (!loaded.has(example.name)) loaded.set(example.name, loadExample(example.name, example.scenarioFile));
  return loaded.get(example.name)!;
};

describe.each(examples)("example $name", (example) => {
  it("has a task.yaml that is the scenario's task, with a language", async () => {
    const { task, scenarioTask } = await load(example);
    expect(scenarioTask).toEqual(task);
    expect(task.language).toBeDefined();
  });

  it("is a valid simulator scenario whose agent keys are exactly the pipeline's", async () => {
    const { raw, scenarioPath } = await load(example);
    const scenario = parseScenario(raw, scenarioPath);
    expect(scenario.name).toBe(example.name);
    expect(Object.keys(scenario.agents).sort()).toEqual(expectedAgentKeys().sort());
  });

  it("has a plan and a design that pass the design rules", async () => {
    const { plan, design } = await load(example);
    expect(planProblems(plan)).toEqual([]);
    expect(designProblems(design, plan)).toEqual([]);
    // The design-review agent's own automated checks must agree.
    expect(checkDesign(design, buildPlan(plan))).toEqual([]);
  });

  it("has a manifest that passes the manifest rules, of the expected size", async () => {
    const { plan, design, manifest, task } = await load(example);
    expect(manifestProblems(manifest, design, plan, task.language)).toEqual([]);
    expect(() => validateManifest(manifest, design, buildPlan(plan))).not.toThrow();
    expect(manifest.files.length).toBeGreaterThanOrEqual(example.files.min);
    expect(manifest.files.length).toBeLessThanOrEqual(example.files.max);
  });

  it("has one non-empty text for every manifest file and none other", async () => {
    const { manifest, files } = await load(example);
    expect(fileProblems(manifest, files)).toEqual([]);
  });

  it("has file texts that the model layer's fence stripping leaves byte for byte", async () => {
    const { files } = await load(example);
    const changed = [...files].filter(([, text]) => stripWrappingFence(text) !== text).map(([filePath]) => filePath);
    expect(changed).toEqual([]);
  });

  it("has local imports that resolve to manifest files named in dependsOn", async () => {
    const { manifest, files } = await load(example);
    const paths = new Set(manifest.files.map((entry) => entry.path));
    const problems: string[] = [];
    for (const entry of manifest.files) {
      const imports = localImports(entry.path, files.get(entry.path) ?? "", paths);
      for (const specifier of imports.unresolved) problems.push(`${entry.path} imports ${specifier}, which is no manifest file`);
      for (const target of imports.resolved) {
        if (!entry.dependsOn.includes(target)) problems.push(`${entry.path} imports ${target} but does not list it in dependsOn`);
      }
    }
    expect(problems).toEqual([]);
    const sources = manifest.files.map((entry) => ({ path: entry.path, content: files.get(entry.path) ?? "" }));
    expect(findUnresolvedImports(sources)).toEqual([]);
  });

  it("has reviews that pass their gates and cite real files and lines", async () => {
    const { reviews, files } = await load(example);
    expect(reviewProblems(reviews, files)).toEqual([]);
  });

  if (example.dependencyFile) {
    const dependencyFile = example.dependencyFile;
    it(`names exactly the design's packages in ${dependencyFile}, each with a bounded version`, async () => {
      const { design, files, manifest } = await load(example);
      expect(manifest.files.find((entry) => entry.path === dependencyFile)?.type).toBe("config");
      const declared = declaredPackages(dependencyFile, files.get(dependencyFile) ?? "");
      const wanted = new Map((design.packages ?? []).map((item) => [item.ecosystem === "pypi" ? item.name.toLowerCase() : item.name, item.version.replace(/\s+/g, "")]));
      expect(Object.fromEntries(declared)).toEqual(Object.fromEntries(wanted));
      // Bounded: an upper limit, a caret or tilde range, or an exact pin; never a bare name or ">=" alone.
      for (const [name, version] of declared) expect(version, name).toMatch(/^(?:[~^]|==|v?\d)|<|(?:^|,)==/);
    });
    return;
  }

  it(`is detected as a ${example.runner} project, with no install step`, async () => {
    const { manifest, files } = await load(example);
    const sources = manifest.files.map((entry) => ({ path: entry.path, content: files.get(entry.path) ?? "" }));
    expect(applicableRunners(sources).map((runner) => runner.id).join("+")).toBe(example.runner);
    if (example.runner === "node-test") {
      const packageJson = JSON.parse(files.get("package.json") ?? "{}") as Record<string, unknown>;
      expect(packageJson.type).toBe("module");
      expect(packageJson.dependencies ?? {}).toEqual({});
      expect(packageJson.devDependencies ?? {}).toEqual({});
    }
  });

  it(`generates a project whose ${example.tests} tests really pass`, async () => {
    const { manifest, files } = await load(example);
    await using project = await writeProject(files);
    expect(await syntaxErrors(project.directory, [...files.keys()])).toEqual([]);
    const run = await runProjectTests(project.directory, manifest.language, 20_000);
    const summary = `${run.command.join(" ")} exited ${run.exitCode}${run.timedOut ? " (timed out)" : ""}:\n${run.output.slice(-3000)}`;
    expect(run.exitCode, summary).toBe(0);
    expect(run.testsRan, summary).toBe(example.tests);
    expect(run.testsPassed, summary).toBe(example.tests);
  });
});
