import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { systemClock } from "../../bus/clock.ts";
import { ConfigError } from "../../errors/index.ts";
import type { TestRunDeps } from "./run-project-tests.ts";
import { defaultSandboxLimits, probeSandboxCapabilities } from "./sandbox.ts";
import { discoverToolchains } from "./toolchains.ts";

/**
 * Registry, mirror, proxy and certificate settings each tool reads, passed to the install phase by
 * name: a user's mirror works, and nothing else of the agent's environment (its API key) gets in.
 */
const registryVariables = [
  "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_TRUSTED_HOST", "PIP_CERT", "PIP_DEFAULT_TIMEOUT", "PIP_NO_INDEX",
  "npm_config_registry", "NPM_CONFIG_REGISTRY", "npm_config_strict_ssl", "npm_config_cafile",
  "GOPROXY", "GONOSUMDB", "GONOSUMCHECK", "GONOPROXY", "GOPRIVATE", "GOSUMDB", "GOINSECURE",
  "CARGO_NET_GIT_FETCH_WITH_CLI", "CARGO_HTTP_CAINFO", "CARGO_REGISTRY_DEFAULT",
  "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy",
  "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "CURL_CA_BUNDLE",
];
/** Cargo's registries are configured per name: CARGO_REGISTRIES_<NAME>_INDEX, and source replacement. */
const registryPrefixes = ["CARGO_REGISTRIES_", "CARGO_SOURCE_", "npm_config_@"];

export function registryEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (registryVariables.includes(name) || registryPrefixes.some((prefix) => name.startsWith(prefix))) picked[name] = value;
  }
  return picked;
}

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
    },
    clock: systemClock,
  };
}
