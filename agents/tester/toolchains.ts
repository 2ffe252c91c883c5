import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { hiddenFromSandbox } from "./sandbox.ts";

/** The toolchains the test agent knows, by the executable a runner or check needs. */
export const knownExecutables = ["python3", "node", "npm", "go", "cargo", "rustc", "java", "mvn", "cmake", "ctest", "make", "g++", "ruff"] as const;

export interface Toolchains {
  /** Executable name to its resolved path, for the ones this machine has. */
  found: Record<string, string>;
  /** PATH inside the sandbox: the folders of the real binaries (not pyenv-style shims). */
  sandboxPath: string;
  /** Host folders a sandbox that hides homes must still show read-only, for the toolchains to run. */
  readOnlyFolders: string[];
  /** Environment the toolchains need once HOME is private (where rustup keeps its toolchains). */
  env: Record<string, string>;
  /** Tools the agent itself provides to generated projects: its own TypeScript compiler and tsx loader. */
  tools: { tsc?: string; ruff?: string; tsxLoader?: string };
}

function onPath(name: string, searchPath: string): string | undefined {
  for (const folder of searchPath.split(":").filter(Boolean)) {
    const candidate = path.join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/**
 * Resolved once per process, from the agent's own PATH. Shims (pyenv) need environment the sandbox
 * drops, so python is resolved to its real interpreter; toolchains installed under a home that the
 * sandbox hides (pyenv, rustup, cargo) are listed so that exactly their folders are shown again.
 */
export function discoverToolchains(env: Record<string, string | undefined>, agentNodeModules: string): Toolchains {
  const searchPath = env.PATH ?? "/usr/local/bin:/usr/bin:/bin";
  const found: Record<string, string> = {};
  const readOnly = new Set<string>();
  const folders = new Set<string>([path.dirname(process.execPath)]);
  const toolEnv: Record<string, string> = {};
  for (const name of knownExecutables) {
    // pip puts ruff beside the interpreter; a pyenv shim of it would need environment the sandbox drops.
    const besidePython = name === "ruff" && found.python3 ? path.join(path.dirname(found.python3), "ruff") : undefined;
    let resolved = besidePython && existsSync(besidePython) ? besidePython : onPath(name, searchPath);
    if (!resolved) continue;
    if (name === "python3") {
      try {
        const [executable, prefix] = execFileSync(resolved, ["-c", "import sys; print(sys.executable); print(sys.base_prefix)"], { encoding: "utf8", timeout: 10_000 }).trim().split("\n");
        resolved = executable!;
        if (hiddenFromSandbox(prefix!)) readOnly.add(prefix!);
      } catch {
        continue;
      }
    }
    found[name] = resolved;
    folders.add(path.dirname(resolved));
    const real = realpathSync(resolved);
    if (hiddenFromSandbox(resolved)) readOnly.add(path.dirname(resolved));
    if (hiddenFromSandbox(real)) readOnly.add(path.dirname(path.dirname(real)));
  }
  // rustup's proxies find their toolchains through RUSTUP_HOME, which defaults to a HOME the sandbox replaces.
  if (found.cargo) {
    const rustupHome = env.RUSTUP_HOME ?? (env.HOME ? path.join(env.HOME, ".rustup") : undefined);
    if (rustupHome && existsSync(rustupHome)) {
      toolEnv.RUSTUP_HOME = rustupHome;
      if (hiddenFromSandbox(rustupHome)) readOnly.add(rustupHome);
    }
  }
  for (const folder of ["/usr/local/bin", "/usr/bin", "/bin"]) folders.add(folder);
  const tools: Toolchains["tools"] = {};
  const tsc = path.join(agentNodeModules, "typescript", "bin", "tsc");
  if (existsSync(tsc)) tools.tsc = tsc;
  const tsx = path.join(agentNodeModules, "tsx", "dist", "loader.mjs");
  if (existsSync(tsx)) tools.tsxLoader = tsx;
  if (found.ruff) tools.ruff = found.ruff;
  // The agent's own packages are shown read-only so TypeScript projects can be checked without installing a compiler.
  if ((tools.tsc || tools.tsxLoader) && hiddenFromSandbox(agentNodeModules)) readOnly.add(agentNodeModules);
  return { found, sandboxPath: [...folders].join(":"), readOnlyFolders: [...readOnly], env: toolEnv, tools };
}

/** The clear build error for a runner or check whose toolchain this machine lacks. */
export function missingToolchain(toolchain: readonly string[], toolchains: Pick<Toolchains, "found">): string | undefined {
  const missing = toolchain.filter((name) => !toolchains.found[name]);
  return missing.length > 0 ? `toolchain ${missing.join(", ")} is not installed on this machine` : undefined;
}
