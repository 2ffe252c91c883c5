import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { pythonInstaller } from "../../agents/tester/install/installers.ts";
import { runProjectTests, type ProjectFile } from "../../agents/tester/run-project-tests.ts";
import { fakeInstallSandbox } from "./support/fake-install-sandbox.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

// The cold run downloads setuptools from PyPI into an empty cache; each run makes a virtual environment.
vi.setConfig({ testTimeout: 300_000 });

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "asp-pyproject-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const pyproject = (buildSystem: string): ProjectFile => ({
  path: "pyproject.toml",
  content: `${buildSystem}\n[project]\nname = "leap"\nversion = "0.1.0"\ndependencies = []\n\n[tool.setuptools]\npackages = ["leap"]\n`,
});
const sources: ProjectFile[] = [
  { path: "leap/__init__.py", content: "def is_leap(year):\n    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)\n" },
  // Metadata exists only once the project is installed into the run's environment, not merely on the path.
  { path: "tests/test_installed.py", content: "import unittest\nfrom importlib.metadata import version\nfrom leap import is_leap\n\n\nclass T(unittest.TestCase):\n    def test_installed(self):\n        self.assertEqual(version('leap'), '0.1.0')\n\n    def test_leap(self):\n        self.assertTrue(is_leap(2000))\n" },
  { path: "tests/__init__.py", content: "" },
];

describe("a pyproject.toml project's install", () => {
  it("downloads the build backend and the project's dependencies into the wheelhouse, then installs from it alone", async () => {
    const sandbox = fakeInstallSandbox();
    const files = [pyproject('[build-system]\nrequires = ["hatchling>=1.20"]\nbuild-backend = "hatchling.build"\n'), ...sources];
    const steps = await pythonInstaller.install(sandbox.context(files, folder, 60_000), { python: "python3", nodeModulesInstalled: false, tools: {} });
    const wheelhouse = path.join(folder, "cache", "pip", "wheelhouse");
    const pip = [path.join(folder, "venv", "bin", "python"), "-m", "pip"];
    const quiet = ["--disable-pip-version-check", "--no-input", "--progress-bar", "off"];
    expect(sandbox.ran.map((entry) => entry.command)).toEqual([
      ["python3", "-m", "venv", path.join(folder, "venv")],
      [...pip, "download", ...quiet, "--dest", wheelhouse, "--find-links", wheelhouse, "hatchling>=1.20"],
      [...pip, "download", ...quiet, "--dest", wheelhouse, "--find-links", wheelhouse, "."],
      [...pip, "install", ...quiet, "--no-index", "--find-links", wheelhouse, "."],
    ]);
    expect(steps.map((step) => [step.tool, step.dependencyFile, step.ok])).toEqual([["venv", "(virtual environment)", true], ["pip", "pyproject.toml", true]]);
  });

  it("downloads nothing the second time: the warm run is served by the wheelhouse", async () => {
    // An empty cache of its own, so the cold run must download (the build backend) and the warm one must not.
    const deps = testRunDeps({ cacheDirectory: path.join(folder, "cache-real"), timeoutMs: 120_000 });
    const project = [pyproject('[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'), ...sources];

    const cold = await runProjectTests(project, deps);
    expect(cold.install.steps.map((step) => [step.tool, step.ok, step.downloaded])).toEqual([["venv", true, false], ["pip", true, true]]);
    expect(cold).toMatchObject({ verdict: "PASS", runner: "python-unittest", passed: 2 });

    const warm = await runProjectTests(project, deps);
    expect(warm.install.steps.map((step) => [step.tool, step.ok, step.downloaded])).toEqual([["venv", true, false], ["pip", true, false]]);
    expect(warm.install.steps[1]!.command).toMatch(/pip install .*--no-index --find-links \S+\/pip\/wheelhouse \.$/);
    expect(warm).toMatchObject({ verdict: "PASS", passed: 2 });
  });
});
