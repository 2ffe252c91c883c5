import type { ProjectFile } from "./types.ts";

/** How generated projects lay out their files, shared by the runners and checks that pick themselves. */
export const isPythonTest = (filePath: string) => /(^|\/)test_[^/]*\.py$|_test\.py$/.test(filePath);
export const isJavascriptTest = (filePath: string) =>
  /\.(m|c)?js$/.test(filePath) && !filePath.startsWith("node_modules/") &&
  (/[._-](test|spec)\.(m|c)?js$/.test(filePath) || /(^|\/)(test|tests|__tests__)\/[^/]+\.(m|c)?js$/.test(filePath) || /(^|\/)test-[^/]*\.(m|c)?js$/.test(filePath));
export const isTypescriptTest = (filePath: string) => /\.(m|c)?ts$/.test(filePath) && !filePath.endsWith(".d.ts") && (/[._-](test|spec)\.(m|c)?ts$/.test(filePath) || /(^|\/)(test|tests|__tests__)\/[^/]+\.(m|c)?ts$/.test(filePath));
export const isTypescript = (filePath: string) => /\.(m|c)?tsx?$/.test(filePath) && !filePath.endsWith(".d.ts");

export function rootFile(files: ProjectFile[], name: string): ProjectFile | undefined {
  return files.find((file) => file.path === name);
}

export interface PackageManifest {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  type?: string;
}

/** The root package.json, or undefined when there is none or it does not parse (the install phase reports that). */
export function packageManifest(files: ProjectFile[]): PackageManifest | undefined {
  const file = rootFile(files, "package.json");
  if (!file) return undefined;
  try {
    const parsed = JSON.parse(file.content) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as PackageManifest) : undefined;
  } catch {
    return undefined;
  }
}

/** npm's placeholder script ("Error: no test specified") is not a test suite. */
export function hasTestScript(files: ProjectFile[]): boolean {
  const script = packageManifest(files)?.scripts?.test;
  return typeof script === "string" && script.trim() !== "" && !/no test specified/.test(script);
}

export function dependsOnPackage(files: ProjectFile[], name: string): boolean {
  const manifest = packageManifest(files);
  return Boolean(manifest?.dependencies?.[name] ?? manifest?.devDependencies?.[name]);
}

/**
 * A test function at the top of a module: pytest collects it, unittest never does (it finds only
 * TestCase methods, which are indented), so a file of them under unittest would run nothing.
 */
const topLevelTestFunction = /^(async\s+)?def test\w*\s*\(/m;

/**
 * Tests use pytest when they import it, have a conftest.py, define test functions outside a class
 * (plain `def test_x(): assert ...`, which needs no import), or the project's requirements name it.
 * pytest also runs unittest.TestCase classes, so a file that mixes both loses nothing.
 */
export function usesPytest(files: ProjectFile[]): boolean {
  if (files.some((file) => /(^|\/)conftest\.py$/.test(file.path))) return true;
  if (files.some((file) => isPythonTest(file.path) && /^\s*(import pytest|from pytest\b)/m.test(file.content))) return true;
  if (files.some((file) => isPythonTest(file.path) && topLevelTestFunction.test(file.content))) return true;
  const requirements = files.filter((file) => /(^|\/)requirements[^/]*\.txt$|^pyproject\.toml$/.test(file.path));
  return requirements.some((file) => /^\s*["']?pytest\b/m.test(file.content));
}

/** A trimmed, bounded excerpt for a report: the end of the output is where runners summarise. */
export const tail = (text: string, characters = 8000) => (text.length > characters ? text.slice(-characters) : text);
