/**
 * The contract between the test agent's phases (sandbox, install, wiring) and its pure runner and
 * compile-check modules: a module never spawns a process itself, it asks the injected CommandRunner,
 * which runs the command in the sandbox from the project's folder.
 */
export interface ProjectFile {
  path: string;
  content: string;
}

export interface PhaseEnvironment {
  /** Python to run (the run's virtual environment's python when the install phase made one, else "python3"). */
  python: string;
  /** true when npm ci / npm install ran successfully for the root package.json */
  nodeModulesInstalled: boolean;
  /** Paths of tools the agent provides, visible inside the sandbox (e.g. typescript's tsc, ruff); absent when missing. */
  tools: { tsc?: string; ruff?: string; tsxLoader?: string };
}

export type CommandRunner = (
  command: string[],
  options: { timeoutMs: number; cwd?: string /* relative to the project */ },
) => Promise<import("../sandbox.ts").SandboxResult>;

export interface TestFailure {
  name: string;
  message: string;
  file?: string;
  line?: number;
  runner?: string;
}

export interface RunnerResult {
  runner: string;
  language: string;
  command: string;
  passed: number;
  failed: number;
  total: number;
  failures: TestFailure[];
  recognised: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  output: string;
}

export interface TestRunner {
  id: string;
  language: string;
  toolchain: string[];
  applies(files: ProjectFile[]): boolean;
  run(files: ProjectFile[], environment: PhaseEnvironment, run: CommandRunner): Promise<RunnerResult>;
}

export interface CompileFinding {
  tool: string;
  file: string;
  line?: number;
  column?: number;
  severity: "error" | "warning";
  rule?: string;
  message: string;
}

export interface CompileCheck {
  id: string;
  language: string;
  toolchain: string[];
  applies(files: ProjectFile[]): boolean;
  run(files: ProjectFile[], environment: PhaseEnvironment, run: CommandRunner): Promise<CompileFinding[]>;
}
