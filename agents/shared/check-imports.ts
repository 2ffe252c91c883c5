import path from "node:path";

export interface SourceFile {
  path: string;
  content: string;
}

const javascriptImport = /(?:import\s[^'"]*?from\s*|import\s*\(\s*|require\s*\(\s*|^\s*import\s*)['"](\.{1,2}\/[^'"]+)['"]/gm;
const pythonFromImport = /^\s*from\s+(\.*[A-Za-z_][\w.]*|\.+)\s+import\s+([\w, ()*]+)/gm;
const pythonImport = /^\s*import\s+([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)/gm;

/** Relative JavaScript imports that do not resolve to a file of the project. */
function unresolvedJavascript(file: SourceFile, paths: Set<string>): string[] {
  const missing: string[] = [];
  for (const match of file.content.matchAll(javascriptImport)) {
    const specifier = match[1]!;
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file.path), specifier));
    const candidates = [resolved, `${resolved}.js`, `${resolved}.mjs`, `${resolved}.ts`, `${resolved}/index.js`, `${resolved}.json`];
    if (!candidates.some((candidate) => paths.has(candidate))) missing.push(specifier);
  }
  return missing;
}

/**
 * Python imports of the project's own packages that do not resolve. Only names whose top-level
 * package is a folder or module of this project are checked: everything else is the standard library.
 */
function unresolvedPython(file: SourceFile, paths: Set<string>): string[] {
  const topLevel = new Set([...paths].map((filePath) => filePath.split("/")[0]!.replace(/\.py$/, "")));
  const resolves = (dotted: string, from: string) => {
    const parts = dotted.split(".");
    const base = from === "" ? "" : `${from}/`;
    const asModule = `${base}${parts.join("/")}.py`;
    const asPackage = `${base}${parts.join("/")}/__init__.py`;
    return paths.has(asModule) || paths.has(asPackage);
  };
  const missing: string[] = [];
  for (const match of file.content.matchAll(pythonImport)) {
    for (const name of match[1]!.split(",").map((part) => part.trim())) {
      if (topLevel.has(name.split(".")[0]!) && !resolves(name, "")) missing.push(name);
    }
  }
  for (const match of file.content.matchAll(pythonFromImport)) {
    const module = match[1]!;
    const leadingDots = module.match(/^\.*/)![0].length;
    const rest = module.slice(leadingDots);
    if (leadingDots > 0) {
      let folder = path.posix.dirname(file.path);
      for (let level = 1; level < leadingDots; level++) folder = path.posix.dirname(folder);
      const base = folder === "." ? "" : folder;
      if (rest === "") {
        const names = match[2]!.replace(/[()]/g, "").split(",").map((name) => name.trim()).filter(Boolean);
        for (const name of names) if (name !== "*" && !resolves(name, base) && !paths.has(`${base ? `${base}/` : ""}__init__.py`)) missing.push(`.${name}`);
      } else if (!resolves(rest, base)) missing.push(module);
    } else if (topLevel.has(rest.split(".")[0]!) && !resolves(rest, "")) {
      missing.push(module);
    }
  }
  return missing;
}

/** Local imports that point at no file of the project, per importing file. */
export function findUnresolvedImports(files: SourceFile[]): Array<{ file: string; imports: string[] }> {
  const paths = new Set(files.map((file) => file.path));
  const problems: Array<{ file: string; imports: string[] }> = [];
  for (const file of files) {
    let imports: string[] = [];
    if (/\.(m|c)?[jt]s$/.test(file.path)) imports = unresolvedJavascript(file, paths);
    else if (file.path.endsWith(".py")) imports = unresolvedPython(file, paths);
    if (imports.length > 0) problems.push({ file: file.path, imports: [...new Set(imports)] });
  }
  return problems;
}
