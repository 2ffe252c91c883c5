export interface RunnerChoice {
  runner: "node-test" | "npm-test" | "python-unittest" | "pytest";
  command: string[];
}

export interface ProjectFile {
  path: string;
  content: string;
}

/**
 * Picks how to run a generated project's tests without installing anything: the sandbox has
 * no network, so a project that needs dependencies cannot be tested here anyway.
 */
export function detectRunner(files: ProjectFile[], options: { pytestAvailable: boolean }): RunnerChoice | undefined {
  const packageJson = files.find((file) => file.path === "package.json");
  if (packageJson) {
    try {
      const parsed = JSON.parse(packageJson.content) as { scripts?: Record<string, string>; dependencies?: object; devDependencies?: object };
      const needsInstall = Object.keys(parsed.dependencies ?? {}).length + Object.keys(parsed.devDependencies ?? {}).length > 0;
      if (parsed.scripts?.test && !needsInstall) return { runner: "npm-test", command: ["npm", "test", "--silent"] };
    } catch {
      // A broken package.json is a build error the node runner will surface.
    }
  }
  if (files.some((file) => /\.(m|c)?js$/.test(file.path) && /(^|\/)(test|tests)\/|[._-]test\.(m|c)?js$|(^|\/)test-[^/]*\.(m|c)?js$/.test(file.path))) {
    return { runner: "node-test", command: ["node", "--test"] };
  }
  const pythonTests = files.filter((file) => /(^|\/)test_[^/]*\.py$|_test\.py$/.test(file.path));
  if (pythonTests.length > 0) {
    const usesPytestStyle = pythonTests.some((file) => /^\s*import pytest|^\s*from pytest/m.test(file.content));
    if (usesPytestStyle && options.pytestAvailable) return { runner: "pytest", command: ["python3", "-m", "pytest", "-q", "-rA"] };
    return { runner: "python-unittest", command: ["python3", "-m", "unittest", "discover", "-v"] };
  }
  return undefined;
}
