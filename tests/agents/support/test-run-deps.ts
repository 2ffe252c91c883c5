import os from "node:os";
import path from "node:path";
import type { TestRunDeps } from "../../../agents/tester/run-project-tests.ts";
import { defaultSandboxLimits } from "../../../agents/tester/sandbox.ts";
import { buildSandboxDeps } from "../../../agents/tester/test-agent-config.ts";

/** One download cache for every test file of a run: the second project that needs pytest downloads nothing. */
export const sharedTestCache = path.join(os.tmpdir(), "asp-test-install-cache");

/** The test agent's real deps (probed sandbox, discovered toolchains), with test-sized limits. */
export function testRunDeps(overrides: { timeoutMs?: number; cacheDirectory?: string; capabilities?: Partial<TestRunDeps["capabilities"]> } = {}): TestRunDeps {
  const deps = buildSandboxDeps({ ...process.env, ASP_INSTALL_CACHE_DIR: overrides.cacheDirectory ?? sharedTestCache });
  return {
    ...deps,
    capabilities: { ...deps.capabilities, ...overrides.capabilities },
    limits: { ...defaultSandboxLimits, timeoutMs: overrides.timeoutMs ?? 60_000 },
  };
}
