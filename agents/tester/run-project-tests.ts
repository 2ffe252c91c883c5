import { chown, mkdtemp, mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describeCompileFinding, type TestReport } from "../../schemas/test-report.ts";
import { compileChecks } from "./compile/index.ts";
import { cacheFolders, prepareCache, pruneCache, type InstallCache } from "./install/cache.ts";
import { installers, type InstallStep } from "./install/installers.ts";
import { removeInstallOnlyRegistryFiles, writeRegistryFiles, type RegistryFiles } from "./install/registry-files.ts";
import { phaseEnvironment } from "./install/tool-environment.ts";
import { filesNamedIn } from "./parse-output.ts";
import { applicableRunners } from "./runners/index.ts";
import type { CommandRunner, CompileFinding, PhaseEnvironment, ProjectFile, RunnerResult } from "./runners/types.ts";
import { runInSandbox, sandboxKindOf, type SandboxAccess, type SandboxCapabilities, type SandboxLimits } from "./sandbox.ts";
import { missingToolchain, type Toolchains } from "./toolchains.ts";

export type { ProjectFile };

export interface InstallSettings {
  cache: InstallCache;
  /** The whole install phase of one run, and the most its downloads may add to the run's folder. */
  timeoutMs: number;
  maxBytes: number;
  /** npm install scripts are code from the internet: off unless the operator turns them on. */
  allowInstallScripts: boolean;
  /** Each tool's registry and certificate settings (PIP_INDEX_URL, npm_config_registry, GOPROXY, …), picked by name. */
  registryEnv: Record<string, string>;
  /** The user's settings files for the tools (ASP_MAVEN_SETTINGS, ASP_CARGO_CONFIG, …), read at start; each run gets a copy. */
  registryFiles: RegistryFiles;
}

export interface TestRunDeps {
  limits: SandboxLimits;
  capabilities: SandboxCapabilities;
  toolchains: Toolchains;
  install: InstallSettings;
  clock: { now(): number };
}

const outputTail = 8000;

/** The sandbox user must own the copy it runs in: the tests write caches, temp files and sockets there. */
async function handOver(directory: string, owner: { uid: number; gid: number }): Promise<void> {
  await chown(directory, owner.uid, owner.gid);
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const target = path.join(directory, entry.name);
    if (entry.isDirectory()) await handOver(target, owner);
    else await chown(target, owner.uid, owner.gid);
  }
}

async function folderBytes(directory: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(directory, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/**
 * Writes the project to a throwaway folder and runs the PSP's compile and test phases there:
 * install (network allowed, shared download cache), compile and lint, then every test runner that
 * applies, with no network. Every phase runs in the sandbox; a phase that fails stops the ones after it.
 */
export async function runProjectTests(files: ProjectFile[], deps: TestRunDeps): Promise<TestReport> {
  const root = await mkdtemp(path.join(os.tmpdir(), "asp-test-"));
  const directory = path.join(root, "project");
  const home = path.join(root, "home");
  const started = deps.clock.now();
  const { toolchains } = deps;
  const kind = sandboxKindOf(deps.capabilities);
  const isolated = kind !== "none";
  const sandbox = { kind, network: isolated ? ("none" as const) : ("host" as const), limits: { ...deps.limits } };
  const strip = (text: string) => text.split(directory + path.sep).join("").split(directory).join(".");
  const base = (access: SandboxAccess, limits: SandboxLimits) => (command: string[], timeoutMs: number, cwd = directory) =>
    runInSandbox(command, { cwd, root, home, path: toolchains.sandboxPath, limits: { ...limits, timeoutMs }, capabilities: deps.capabilities, clock: deps.clock, access }).then((result) => ({ ...result, output: strip(result.output) }));
  // Set once a phase may write the shared cache: the install always, the test step of a Go, Cargo or Maven project.
  let cacheWritten = false;
  try {
    await mkdir(path.join(home, "tmp"), { recursive: true });
    await writeRegistryFiles(deps.install.registryFiles, root, home);
    for (const file of files) {
      const target = path.join(directory, file.path);
      if (!target.startsWith(directory + path.sep)) throw new Error(`refusing to write "${file.path}" outside the sandbox folder`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content, { flag: "wx" });
    }
    await mkdir(directory, { recursive: true });
    if (deps.capabilities.unprivilegedUser) await handOver(root, deps.capabilities.unprivilegedUser);
    const paths = files.map((file) => file.path);
    const environment: PhaseEnvironment = { python: toolchains.found.python3 ?? "python3", nodeModulesInstalled: false, tools: { ...toolchains.tools } };
    const buildErrors: string[] = [];
    const implicated = new Set<string>();

    // Install: the only phase with network, and the only one that may write the shared cache.
    const steps: InstallStep[] = [];
    const wanted = installers.flatMap((installer) => {
      const dependencyFile = installer.applies(files);
      return dependencyFile ? [{ installer, dependencyFile }] : [];
    });
    await prepareCache(deps.install.cache);
    // Only the folders: what the sandbox user downloads into them is its own already, and a full walk of a warm cache is slow.
    const owner = deps.capabilities.unprivilegedUser;
    if (owner) for (const folder of [deps.install.cache.directory, ...cacheFolders.map((name) => path.join(deps.install.cache.directory, name))]) await chown(folder, owner.uid, owner.gid);
    const environmentOf = (phase: "install" | "test") => phaseEnvironment(phase, { toolchainEnv: toolchains.env, registryEnv: deps.install.registryEnv, cache: deps.install.cache, home });
    if (wanted.length > 0) {
      const installAccess: SandboxAccess = {
        network: true,
        readOnly: toolchains.readOnlyFolders,
        readWrite: [deps.install.cache.directory],
        env: environmentOf("install"),
      };
      const install = base(installAccess, { ...deps.limits, maxFileBytes: Math.max(deps.limits.maxFileBytes, 512 * 1024 ** 2), cpuSeconds: Math.max(deps.limits.cpuSeconds, 600), maxProcesses: Math.max(deps.limits.maxProcesses, 512) });
      const deadline = started + deps.install.timeoutMs;
      for (const { installer, dependencyFile } of wanted) {
        const missing = missingToolchain(installer.toolchain, toolchains);
        if (missing) {
          buildErrors.push(`${dependencyFile}: ${missing}`);
          if (paths.includes(dependencyFile)) implicated.add(dependencyFile);
          continue;
        }
        cacheWritten = true;
        const installed = await installer.install(
          {
            files,
            root,
            cache: deps.install.cache,
            python: toolchains.found.python3 ?? "python3",
            ignoreScripts: !deps.install.allowInstallScripts,
            limitMs: deps.install.timeoutMs,
            deadline,
            clock: deps.clock,
            run: (command, timeoutMs) => install(command, timeoutMs),
          },
          environment,
        );
        steps.push(...installed);
      }
      for (const failed of steps.filter((entry) => !entry.ok)) {
        const named = failed.dependency ? `the dependency "${failed.dependency}" could not be installed` : "the install failed";
        buildErrors.push(`install (${failed.tool}, ${failed.dependencyFile}): ${named}: ${failed.message ?? ""}`.trim());
        if (failed.dependencyFile && paths.includes(failed.dependencyFile)) implicated.add(failed.dependencyFile);
      }
      const size = await folderBytes(root);
      if (size > deps.install.maxBytes) buildErrors.push(`install: the installed dependencies take ${size} bytes, over the ${deps.install.maxBytes}-byte limit`);
    }
    const failedDependency = steps.find((entry) => entry.dependency)?.dependency;
    const installReport = { steps, ...(failedDependency ? { failedDependency } : {}) };
    await removeInstallOnlyRegistryFiles(root, home);

    // Compile, lint and test: no network, the cache only as far as builds must read it.
    // cargo and maven lock and record files in their home even offline, and go writes its build cache.
    const testWritesCache = files.some((file) => /^(Cargo\.toml|pom\.xml|go\.mod)$/.test(file.path));
    const offlineAccess: SandboxAccess = {
      network: false,
      readOnly: [...toolchains.readOnlyFolders, deps.install.cache.directory],
      readWrite: testWritesCache ? ["cargo", "maven", "go-build"].map((folder) => path.join(deps.install.cache.directory, folder)) : [],
      env: environmentOf("test"),
    };
    if (testWritesCache) cacheWritten = true;
    const offline = base(offlineAccess, deps.limits);
    // The operator's limit bounds every runner's own budget.
    const run: CommandRunner = (command, options) => offline(command, Math.min(options.timeoutMs, deps.limits.timeoutMs), options.cwd ? path.join(directory, options.cwd) : directory);

    const findings: CompileFinding[] = [];
    if (buildErrors.length === 0) {
      for (const check of compileChecks.filter((candidate) => candidate.applies(files))) {
        const missing = missingToolchain(check.toolchain, toolchains);
        if (missing) {
          // A missing linter is the agent's gap, not the project's defect; a missing compiler is reported by the runner.
          continue;
        }
        findings.push(...(await check.run(files, environment, run)));
      }
      for (const finding of findings.filter((entry) => entry.severity === "error")) {
        buildErrors.push(describeCompileFinding(finding));
        if (paths.includes(finding.file)) implicated.add(finding.file);
      }
    }

    const runners = applicableRunners(files);
    const results: RunnerResult[] = [];
    if (buildErrors.length === 0) {
      if (runners.length === 0) buildErrors.push("no test runner found: the project has no recognisable test files");
      for (const runner of runners) {
        const missing = missingToolchain(runner.toolchain, toolchains);
        if (missing) {
          buildErrors.push(`${runner.id}: ${missing}`);
          continue;
        }
        const result = await runner.run(files, environment, run);
        results.push(result);
        if (result.timedOut) buildErrors.push(`${runner.id}: the tests did not finish within the time limit and were killed`);
        else if (!result.recognised) buildErrors.push(`${runner.id}: the output could not be read (exit code ${result.exitCode})`);
        else if (result.total === 0) buildErrors.push(`${runner.id}: no tests ran`);
        else if (result.failed === 0 && result.exitCode !== 0) buildErrors.push(`${runner.id}: exited with code ${result.exitCode} although no test failed`);
      }
    }
    const failures = results.flatMap((result) => result.failures);
    const passed = results.reduce((sum, result) => sum + result.passed, 0);
    const failed = results.reduce((sum, result) => sum + result.failed, 0);
    const verdict = buildErrors.length === 0 && failed === 0 && passed > 0 ? "PASS" : "FAIL";
    const output = results.map((result) => result.output).join("\n");
    if (verdict === "FAIL") {
      for (const file of filesNamedIn(output, paths)) implicated.add(file);
      for (const failure of failures) if (failure.file && paths.includes(failure.file)) implicated.add(failure.file);
    }
    return {
      verdict,
      runner: results.map((result) => result.runner).join("+") || runners.map((runner) => runner.id).join("+") || "none",
      command: results.map((result) => result.command).join(" ; "),
      passed,
      failed,
      total: passed + failed,
      buildErrors,
      failures,
      implicatedFiles: verdict === "PASS" ? [] : [...implicated],
      exitCode: results.find((result) => result.exitCode !== 0)?.exitCode ?? results.at(-1)?.exitCode ?? null,
      timedOut: results.some((result) => result.timedOut),
      durationMs: deps.clock.now() - started,
      sandbox,
      runners: results.map(({ failures: _failures, output: _output, recognised: _recognised, ...summary }) => summary),
      compile: { findings },
      install: installReport,
      output: (output || buildErrors.join("\n")).slice(-outputTail),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
    // After the test step too: a Go project with no requirements installs nothing but fills the build cache.
    // A failed prune must not replace the run's report; the next run prunes again.
    if (cacheWritten) await pruneCache(deps.install.cache).catch(() => 0);
  }
}
