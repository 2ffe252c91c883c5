import path from "node:path";
import type { DesignPackage, PackageEcosystem } from "../../schemas/design.ts";
import type { ManifestEntry } from "../../schemas/manifest.ts";

/**
 * The files that declare a project's third-party packages, by file name, and the registry whose packages
 * each one lists. CMakeLists.txt names no registry: C++ test frameworks come through FetchContent or the
 * system's packages, so it gets no package list but is still a dependency file of the plan.
 */
const dependencyFileEcosystems: Record<string, PackageEcosystem | undefined> = {
  "requirements.txt": "pypi",
  "requirements-dev.txt": "pypi",
  "pyproject.toml": "pypi",
  "package.json": "npm",
  "go.mod": "go",
  "Cargo.toml": "crates",
  "pom.xml": "maven",
  "CMakeLists.txt": undefined,
};

/** The file names that can hold each registry's packages, for the manifest rule's message. */
const filesForEcosystem: Record<PackageEcosystem, string[]> = {
  pypi: ["requirements.txt", "pyproject.toml"],
  npm: ["package.json"],
  go: ["go.mod"],
  crates: ["Cargo.toml"],
  maven: ["pom.xml"],
};

export function isDependencyFile(filePath: string): boolean {
  return Object.hasOwn(dependencyFileEcosystems, path.posix.basename(filePath));
}

/** The design's packages that belong in this file: npm packages for a package.json, and so on; none for other files. */
export function packagesForFile(filePath: string, packages: DesignPackage[]): DesignPackage[] {
  const name = path.posix.basename(filePath);
  if (!Object.hasOwn(dependencyFileEcosystems, name)) return [];
  const ecosystem = dependencyFileEcosystems[name];
  return ecosystem === undefined ? [] : packages.filter((item) => item.ecosystem === ecosystem);
}

/** A problem for each registry the design uses whose dependency file the manifest does not list. */
export function missingDependencyFiles(entries: ManifestEntry[], packages: DesignPackage[]): string[] {
  const names = new Set(entries.map((entry) => path.posix.basename(entry.path)));
  const ecosystems = [...new Set(packages.map((item) => item.ecosystem))];
  return ecosystems
    .filter((ecosystem) => !filesForEcosystem[ecosystem].some((file) => names.has(file)))
    .map((ecosystem) => {
      const listed = packages.filter((item) => item.ecosystem === ecosystem).map((item) => item.name).join(", ");
      return `the design uses ${ecosystem} packages (${listed}) but the manifest has no ${filesForEcosystem[ecosystem].join(" or ")} to declare them`;
    });
}
