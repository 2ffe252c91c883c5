import { describe, expect, it, vi } from "vitest";
import { runProjectTests } from "../../agents/tester/run-project-tests.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

// The first install reaches the npm registry (later runs hit the shared cache), as the Python one reaches PyPI.
vi.setConfig({ testTimeout: 240_000 });
const deps = testRunDeps({ timeoutMs: 120_000 });

describe("the shared npm cache", () => {
  it("downloads nothing the second time the same Node project installs", async () => {
    const project = [
      // One small package with no dependencies of its own, pinned so both runs want the same files.
      { path: "package.json", content: JSON.stringify({ name: "cached", version: "1.0.0", private: true, scripts: { test: "node --test" }, dependencies: { ms: "2.1.3" } }) },
      { path: "test/duration.test.js", content: "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst ms = require('ms');\ntest('reads a duration', () => assert.equal(ms('2s'), 2000));\n" },
    ];
    const cold = await runProjectTests(project, deps);
    expect(cold.install.steps).toMatchObject([{ tool: "npm", ok: true }]);
    const warm = await runProjectTests(project, deps);
    expect(warm).toMatchObject({ verdict: "PASS", runner: "npm-test", passed: 1 });
    expect(warm.install.steps.map((step) => [step.tool, step.ok, step.downloaded])).toEqual([["npm", true, false]]);
  });
});
