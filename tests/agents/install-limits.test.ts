import { describe, expect, it, vi } from "vitest";
import { runProjectTests, type ProjectFile } from "../../agents/tester/run-project-tests.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

// Every project here installs from local files only: no registry is reached.
vi.setConfig({ testTimeout: 120_000 });
const deps = testRunDeps({ timeoutMs: 60_000 });
const withInstall = (install: Partial<typeof deps.install>) => ({ ...deps, install: { ...deps.install, ...install } });

/** A package beside the project, installed through a "file:" dependency: npm links it without a registry. */
const localLibrary: ProjectFile[] = [
  { path: "local-lib/package.json", content: JSON.stringify({ name: "local-lib", version: "1.0.0", main: "index.js" }) },
  { path: "local-lib/index.js", content: "module.exports = (name) => `hello ${name}`;\n" },
];
const greetingTest: ProjectFile = {
  path: "test/greet.test.js",
  content: "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst greet = require('local-lib');\ntest('greets', () => assert.equal(greet('a'), 'hello a'));\n",
};
const manifest = (extra: Record<string, unknown> = {}) => ({
  path: "package.json",
  content: JSON.stringify({ name: "limits", version: "1.0.0", private: true, scripts: { test: "node --test" }, dependencies: { "local-lib": "file:local-lib" }, ...extra }),
});
/** What `npm install --package-lock-only` writes for that manifest (lockfile v3, the local package linked). */
const lockfile: ProjectFile = {
  path: "package-lock.json",
  content: JSON.stringify({
    name: "limits",
    version: "1.0.0",
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { name: "limits", version: "1.0.0", dependencies: { "local-lib": "file:local-lib" } },
      "local-lib": { version: "1.0.0" },
      "node_modules/local-lib": { resolved: "local-lib", link: true },
    },
  }),
};

describe("npm's install command", () => {
  it("is npm ci when the project has a lockfile", async () => {
    const report = await runProjectTests([manifest(), lockfile, ...localLibrary, greetingTest], deps);
    expect(report.install.steps).toHaveLength(1);
    expect(report.install.steps[0]).toMatchObject({ tool: "npm", ok: true });
    expect(report.install.steps[0]!.command).toMatch(/^npm ci /);
    expect(report).toMatchObject({ verdict: "PASS", passed: 1 });
  });

  it("is npm install without one", async () => {
    const report = await runProjectTests([manifest(), ...localLibrary, greetingTest], deps);
    expect(report.install.steps[0]).toMatchObject({ tool: "npm", ok: true });
    expect(report.install.steps[0]!.command).toMatch(/^npm install /);
    expect(report).toMatchObject({ verdict: "PASS", passed: 1 });
  });
});

describe("npm install scripts", () => {
  // The project's own postinstall leaves a marker in the project folder; its test reports whether the marker is there.
  const scripted = [
    manifest({ scripts: { test: "node --test", postinstall: "node -e \"require('fs').writeFileSync('postinstall-ran', 'yes')\"" } }),
    ...localLibrary,
    { path: "test/marker.test.js", content: "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { existsSync } = require('node:fs');\ntest('no install script ran', () => assert.equal(existsSync('postinstall-ran'), false, 'postinstall-ran exists'));\n" },
  ];

  it("do not run by default: the install passes --ignore-scripts and the script's file is never written", async () => {
    const report = await runProjectTests(scripted, withInstall({ allowInstallScripts: false }));
    expect(report.install.steps[0]!.command).toContain("--ignore-scripts");
    expect(report).toMatchObject({ verdict: "PASS", passed: 1, failed: 0 });
  });

  it("run when the operator allows them (the same project's test then sees the file)", async () => {
    const report = await runProjectTests(scripted, withInstall({ allowInstallScripts: true }));
    expect(report.install.steps[0]!.command).not.toContain("--ignore-scripts");
    expect(report).toMatchObject({ verdict: "FAIL", passed: 0, failed: 1 });
    expect(report.failures[0]!.message).toContain("postinstall-ran exists");
  });
});

describe("the install phase's limits", () => {
  it("fails the build when the installed dependencies take more than ASP_INSTALL_MAX_BYTES", async () => {
    const report = await runProjectTests([manifest(), ...localLibrary, greetingTest], withInstall({ maxBytes: 1 }));
    expect(report.install.steps[0]).toMatchObject({ tool: "npm", ok: true });
    expect(report.verdict).toBe("FAIL");
    expect(report.buildErrors).toEqual([expect.stringMatching(/^install: the installed dependencies take \d+ bytes, over the 1-byte limit$/)]);
    expect(report.total).toBe(0);
  });

  it("stops an install that runs past ASP_INSTALL_TIMEOUT_MS, with the limit in the build error, and runs nothing after it", async () => {
    // Making the virtual environment alone takes longer than 300 ms; the pip steps after it never start.
    const report = await runProjectTests([
      { path: "requirements.txt", content: "idna==3.10\n" },
      { path: "hosts.py", content: "def host():\n    return 'example.com'\n" },
      { path: "test_hosts.py", content: "import unittest\nfrom hosts import host\n\n\nclass T(unittest.TestCase):\n    def test_host(self):\n        self.assertEqual(host(), 'example.com')\n" },
    ], withInstall({ timeoutMs: 300 }));
    expect(report.install.steps.map((step) => [step.tool, step.ok])).toEqual([["venv", false]]);
    expect(report.verdict).toBe("FAIL");
    expect(report.buildErrors.join("\n")).toContain("the install did not finish within 300 ms");
    expect(report.total).toBe(0);
  });
});
