import { chown, mkdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { packageManifest, rootFile, usesPytest } from "../runners/project-files.ts";
import type { PhaseEnvironment, ProjectFile } from "../runners/types.ts";
import { buildRequirements } from "./build-requirements.ts";
import { cacheFolder } from "./cache.ts";
import { step, type InstallContext, type InstallStep } from "./install-step.ts";

export type { InstallContext, InstallStep };

export interface Installer {
  id: string;
  toolchain: string[];
  /** The dependency file this installer reads, when the project has one it handles. */
  applies(files: ProjectFile[]): string | undefined;
  install(context: InstallContext, environment: PhaseEnvironment): Promise<InstallStep[]>;
}

const requirementsFiles = (files: ProjectFile[]) => files.filter((file) => /^requirements(-dev|-test)?\.txt$/.test(file.path)).map((file) => file.path).sort();

/** A virtual environment per run; requirements.txt or the project itself; pytest when the tests use it and nothing names it. */
export const pythonInstaller: Installer = {
  id: "pip",
  toolchain: ["python3"],
  applies(files) {
    const requirements = requirementsFiles(files);
    if (requirements.length > 0) return requirements[0];
    if (rootFile(files, "pyproject.toml")) return "pyproject.toml";
    return usesPytest(files) ? "(pytest for the tests)" : undefined;
  },
  async install(context, environment) {
    const venv = path.join(context.root, "venv");
    const python = path.join(venv, "bin", "python");
    const steps: InstallStep[] = [];
    const created = await step(context, "venv", [context.python, "-m", "venv", venv], "(virtual environment)", "pip");
    steps.push({ ...created, downloaded: false });
    if (!created.ok) return steps;
    environment.python = python;
    // A wheelhouse in the shared cache: pip download fetches only files it does not hold yet, then the install
    // reads nothing but the wheelhouse. pip's own HTTP cache is not enough: a proxy that forbids caching empties it.
    const wheelhouse = path.join(cacheFolder(context.cache, "pip"), "wheelhouse");
    const quiet = ["--disable-pip-version-check", "--no-input", "--progress-bar", "off"];
    const download = (...target: string[]) => [python, "-m", "pip", "download", ...quiet, "--dest", wheelhouse, "--find-links", wheelhouse, ...target];
    const installFromWheelhouse = (...target: string[]) => [python, "-m", "pip", "install", ...quiet, "--no-index", "--find-links", wheelhouse, ...target];
    const fromWheelhouse = (...target: string[]): string[][] => [download(...target), installFromWheelhouse(...target)];
    const requirements = requirementsFiles(context.files);
    for (const file of requirements) steps.push(await step(context, "pip", fromWheelhouse("-r", file), file, "pip"));
    const pyproject = rootFile(context.files, "pyproject.toml");
    if (requirements.length === 0 && pyproject) {
      // Build isolation installs the build backend with the install's own index options, so with
      // --no-index it must already be in the wheelhouse; `pip download .` fetches only the runtime dependencies.
      const backend = buildRequirements(pyproject.content);
      const commands = [...(backend.length > 0 ? [download(...backend)] : []), download("."), installFromWheelhouse(".")];
      steps.push(await step(context, "pip", commands, "pyproject.toml", "pip"));
    }
    const named = requirements.some((file) => /^\s*pytest\b/m.test(context.files.find((entry) => entry.path === file)!.content));
    if (usesPytest(context.files) && !named && steps.every((entry) => entry.ok)) steps.push(await step(context, "pip", fromWheelhouse("pytest"), "(pytest for the tests)", "pip"));
    return steps;
  },
};

/** npm ci with a lockfile, npm install without; install scripts are off unless the operator allows them. */
export const nodeInstaller: Installer = {
  id: "npm",
  toolchain: ["npm"],
  applies(files) {
    const manifest = packageManifest(files);
    if (!rootFile(files, "package.json")) return undefined;
    const count = Object.keys(manifest?.dependencies ?? {}).length + Object.keys(manifest?.devDependencies ?? {}).length;
    return count > 0 || !manifest ? "package.json" : undefined;
  },
  async install(context, environment) {
    const lockfile = rootFile(context.files, "package-lock.json") || rootFile(context.files, "npm-shrinkwrap.json");
    const command = ["npm", lockfile ? "ci" : "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel", "error"];
    if (context.ignoreScripts) command.push("--ignore-scripts");
    const result = await step(context, "npm", command, "package.json", "npm");
    environment.nodeModulesInstalled = result.ok;
    return [result];
  },
};

export const goInstaller: Installer = {
  id: "go",
  toolchain: ["go"],
  applies: (files) => (rootFile(files, "go.mod") && /^\s*require\b/m.test(rootFile(files, "go.mod")!.content) ? "go.mod" : undefined),
  install: async (context) => [await step(context, "go", ["go", "mod", "download"], "go.mod", "go-mod")],
};

export const cargoInstaller: Installer = {
  id: "cargo",
  toolchain: ["cargo"],
  applies: (files) => (rootFile(files, "Cargo.toml") ? "Cargo.toml" : undefined),
  install: async (context) => [await step(context, "cargo", ["cargo", "fetch"], "Cargo.toml", "cargo")],
};

/**
 * Maven 3.8 runs maven-dependency-plugin 2.8 unless told otherwise, whose go-offline fetches plugin jars
 * without their POMs, so `mvn -o` cannot resolve the plugins' own dependencies: a pinned 3.x does.
 */
const dependencyPlugin = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
const probeTest = "AspInstallProbeTest";

/**
 * A copy of the project's pom.xml with one empty test class and no other source, beside the project.
 * Surefire resolves its test-framework provider (surefire-junit-platform and the matching launcher)
 * only when it runs tests, and Maven adds dependencies to old plugins only when it runs them; go-offline
 * fetches neither. Running the build's `test` on this copy fetches them with no project code compiled or run.
 */
async function writeMavenProbe(context: InstallContext): Promise<string> {
  const probe = path.join(context.root, "maven-probe");
  const sources = path.join(probe, "src", "test", "java");
  await mkdir(sources, { recursive: true });
  await writeFile(path.join(probe, "pom.xml"), rootFile(context.files, "pom.xml")!.content);
  await writeFile(path.join(sources, `${probeTest}.java`), `class ${probeTest} {}\n`);
  // The sandbox user, who owns the run's folder, writes the probe's build output.
  const owner = await stat(context.root);
  for (const folder of [probe, path.join(probe, "src"), path.join(probe, "src", "test"), sources]) await chown(folder, owner.uid, owner.gid);
  for (const file of [path.join(probe, "pom.xml"), path.join(sources, `${probeTest}.java`)]) await chown(file, owner.uid, owner.gid);
  return probe;
}

/** Maven's offline resolution: everything the build, its plugins and surefire need, fetched now, so `mvn -o test` runs without network. */
export const mavenInstaller: Installer = {
  id: "maven",
  toolchain: ["mvn", "java"],
  applies: (files) => (rootFile(files, "pom.xml") ? "pom.xml" : undefined),
  async install(context) {
    const quiet = ["-B", "-q", "--no-transfer-progress"];
    const offline = await step(context, "maven", ["mvn", ...quiet, `${dependencyPlugin}:go-offline`], "pom.xml", "maven");
    // A multi-module build's tests run in its modules, which a copy of the root pom does not have.
    if (!offline.ok || /<modules>/.test(rootFile(context.files, "pom.xml")!.content)) return [offline];
    const probe = await writeMavenProbe(context);
    const probed = await step(context, "maven", ["mvn", ...quiet, "-f", path.join(probe, "pom.xml"), "test", `-Dtest=${probeTest}`, "-Dsurefire.failIfNoSpecifiedTests=false"], "pom.xml", "maven");
    await rm(probe, { recursive: true, force: true });
    return [offline, probed];
  },
};

export const installers: readonly Installer[] = [pythonInstaller, nodeInstaller, goInstaller, cargoInstaller, mavenInstaller];
