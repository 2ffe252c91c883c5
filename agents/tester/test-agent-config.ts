import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { systemClock } from "../../bus/clock.ts";
import { ConfigError } from "../../errors/index.ts";
import { registryEnvironment } from "./install/registry-environment.ts";
import { readRegistryFiles } from "./install/registry-files.ts";
import type { TestRunDeps } from "./run-project-tests.ts";
import { defaultSandboxLimits, probeSandboxCapabilities } from "./sandbox.ts";
import { discoverToolchains } from "./toolchains.ts";

const bytes = z.coerce.number().int().positive();
const configSchema = z.object({
  ASP_INSTALL_CACHE_DIR: z.string().min(1).optional(),
  ASP_INSTALL_CACHE_MAX_BYTES: bytes.default(5 * 1024 ** 3),
  ASP_INSTALL_TIMEOUT_MS: z.coerce.number().int().positive().default(600_000),
  ASP_INSTALL_MAX_BYTES: bytes.default(2 * 1024 ** 3),
  ASP_INSTALL_SCRIPTS: z.enum(["allow", "deny"]).default("deny"),
});

const agentNodeModules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../node_modules");

/** The test agent's deps, read and probed once per process. */
export function buildSandboxDeps(env: Record<string, string | undefined> = process.env): TestRunDeps {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${issue.path.join(".")}: ${issue.message}`);
  }
  const config = parsed.data;
  // Before anything is probed: a settings file that cannot be read is the operator's to fix, at start.
  const registryFiles = readRegistryFiles(env);
  return {
    limits: defaultSandboxLimits,
    capabilities: probeSandboxCapabilities(),
    toolchains: discoverToolchains(env, agentNodeModules),
    install: {
      cache: { directory: config.ASP_INSTALL_CACHE_DIR ?? path.join(env.HOME ?? os.homedir(), ".cache", "asp", "install"), maxBytes: config.ASP_INSTALL_CACHE_MAX_BYTES },
      timeoutMs: config.ASP_INSTALL_TIMEOUT_MS,
      maxBytes: config.ASP_INSTALL_MAX_BYTES,
      allowInstallScripts: config.ASP_INSTALL_SCRIPTS === "allow",
      registryEnv: registryEnvironment(env),
      registryFiles,
    },
    clock: systemClock,
  };
}
