import path from "node:path";

/** What one file imports from the project itself: resolved manifest paths, and specifiers that resolve to nothing. */
export interface LocalImports {
  resolved: Set<string>;
  unresolved: string[];
}

const javascriptSpecifier = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)["']([^"']+)["']/gm;

/**
 * Relative ES module imports. Node's ESM loader needs the exact file name with its extension,
 * so unlike a bundler nothing is guessed: "./x" does not find "./x.js".
 */
function javascriptImports(filePath: string, text: string, paths: Set<string>): LocalImports {
  const result: LocalImports = { resolved: new Set(), unresolved: [] };
  for (const match of text.matchAll(javascriptSpecifier)) {
    const specifier = match[1]!;
    if (!specifier.startsWith("./") && !specifier.startsWith("../")) continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(filePath), specifier));
    if (paths.has(target)) result.resolved.add(target);
    else result.unresolved.push(specifier);
  }
  return result;
}

const pythonImport = /^[ \t]*import[ \t]+([\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*)/gm;
const pythonFromImport = /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\r\n#]+)/gm;

/**
 * Python imports whose top-level name is one of the project's own packages or modules (anything
 * else is the standard library), resolved to `a/b.py` or `a/b/__init__.py`. A name imported with
 * `from a import b` counts as a module too when `a/b.py` exists.
 */
function pythonImports(filePath: string, text: string, paths: Set<string>): LocalImports {
  const result: LocalImports = { resolved: new Set(), unresolved: [] };
  const topLevel = new Set([...paths].map((each) => each.split("/")[0]!.replace(/\.py$/, "")));
  const moduleFile = (folder: string) => [`${folder}.py`, `${folder}/__init__.py`].find((candidate) => paths.has(candidate));
  const resolve = (dotted: string, base: string, shown: string) => {
    const found = moduleFile(path.posix.join(base, ...dotted.split(".")));
    if (found) result.resolved.add(found);
    else result.unresolved.push(shown);
  };
  for (const match of text.matchAll(pythonImport)) {
    for (const part of match[1]!.split(",")) {
      const name = part.trim().split(/[ \t]+/)[0]!;
      if (topLevel.has(name.split(".")[0]!)) resolve(name, "", name);
    }
  }
  for (const match of text.matchAll(pythonFromImport)) {
    const module = match[1]!;
    const dots = module.match(/^\.*/)![0].length;
    const rest = module.slice(dots);
    let base = "";
    if (dots > 0) {
      base = path.posix.dirname(filePath);
      for (let level = 1; level < dots; level++) base = path.posix.dirname(base);
      if (base === ".") base = "";
    } else if (!topLevel.has(rest.split(".")[0]!)) {
      continue;
    }
    const packageFolder = rest === "" ? base : path.posix.join(base, ...rest.split("."));
    if (rest !== "") resolve(rest, base, module);
    else if (!paths.has(path.posix.join(base, "__init__.py"))) result.unresolved.push(module);
    const names = match[2]!.replace(/[()]/g, "").split(",").map((name) => name.trim().split(/\s+/)[0]!).filter(Boolean);
    for (const name of names) {
      const submodule = moduleFile(path.posix.join(packageFolder, name));
      if (submodule) result.resolved.add(submodule);
    }
  }
  return result;
}

export function localImports(filePath: string, text: string, paths: Set<string>): LocalImports {
  if (/\.(m|c)?js$/.test(filePath)) return javascriptImports(filePath, text, paths);
  if (filePath.endsWith(".py")) return pythonImports(filePath, text, paths);
  return { resolved: new Set(), unresolved: [] };
}
