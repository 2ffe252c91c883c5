import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { offlineRegistryEnvironment, registryEnvironment } from "../../agents/tester/install/registry-environment.ts";
import { readRegistryFiles } from "../../agents/tester/install/registry-files.ts";
import { phaseEnvironment } from "../../agents/tester/install/tool-environment.ts";
import { buildSandboxDeps } from "../../agents/tester/test-agent-config.ts";

const agentEnvironment = {
  PATH: "/usr/bin",
  ANTHROPIC_API_KEY: "sk-ant-secret",
  HOME: "/home/agent",
  PIP_INDEX_URL: "https://pypi.mirror.example/simple",
  PIP_EXTRA_INDEX_URL: "https://extra.mirror.example/simple",
  npm_config_registry: "https://npm.mirror.example/",
  "npm_config_@company:registry": "https://npm.company.example/",
  GOPROXY: "https://goproxy.mirror.example",
  GONOSUMDB: "company.example/*",
  GOFLAGS: "-mod=vendor",
  CARGO_REGISTRIES_COMPANY_INDEX: "sparse+https://cargo.company.example/index/",
  CARGO_REGISTRIES_COMPANY_TOKEN: "cargo-secret",
  HTTPS_PROXY: "http://proxy.example:3128",
  NODE_EXTRA_CA_CERTS: "/etc/company-ca.pem",
};

describe("the registry settings the install phase gets from the agent's environment", () => {
  it("are each tool's mirror, proxy and certificate variables, by name, and nothing else", () => {
    expect(registryEnvironment(agentEnvironment)).toEqual({
      PIP_INDEX_URL: "https://pypi.mirror.example/simple",
      PIP_EXTRA_INDEX_URL: "https://extra.mirror.example/simple",
      npm_config_registry: "https://npm.mirror.example/",
      "npm_config_@company:registry": "https://npm.company.example/",
      GOPROXY: "https://goproxy.mirror.example",
      GONOSUMDB: "company.example/*",
      CARGO_REGISTRIES_COMPANY_INDEX: "sparse+https://cargo.company.example/index/",
      CARGO_REGISTRIES_COMPANY_TOKEN: "cargo-secret",
      HTTPS_PROXY: "http://proxy.example:3128",
      NODE_EXTRA_CA_CERTS: "/etc/company-ca.pem",
    });
  });

  it("reach the test phase only as Cargo's named registries' index URLs, never a token", () => {
    expect(offlineRegistryEnvironment(registryEnvironment(agentEnvironment))).toEqual({ CARGO_REGISTRIES_COMPANY_INDEX: "sparse+https://cargo.company.example/index/" });
  });
});

describe("each phase's environment", () => {
  const cache = { directory: "/cache", maxBytes: 1 };
  const settings = { toolchainEnv: { RUSTUP_HOME: "/root/.rustup" }, registryEnv: registryEnvironment(agentEnvironment), cache, home: "/run/home" };

  it("gives the install the registry settings, with the agent's own cache and Go flags winning", () => {
    const install = phaseEnvironment("install", settings);
    expect(install).toMatchObject({
      RUSTUP_HOME: "/root/.rustup",
      PIP_INDEX_URL: "https://pypi.mirror.example/simple",
      npm_config_registry: "https://npm.mirror.example/",
      GOPROXY: "https://goproxy.mirror.example",
      CARGO_REGISTRIES_COMPANY_TOKEN: "cargo-secret",
      PIP_CACHE_DIR: "/cache/pip",
      CARGO_HOME: "/cache/cargo",
      GOFLAGS: "-modcacherw",
    });
    expect(install).not.toHaveProperty("ANTHROPIC_API_KEY");
  });

  it("keeps the test phase offline: GOPROXY off, no index or token, Cargo's index URLs for --offline", () => {
    const test = phaseEnvironment("test", settings);
    expect(test).toMatchObject({ GOPROXY: "off", CARGO_REGISTRIES_COMPANY_INDEX: "sparse+https://cargo.company.example/index/" });
    for (const name of ["PIP_INDEX_URL", "npm_config_registry", "HTTPS_PROXY", "CARGO_REGISTRIES_COMPANY_TOKEN", "ANTHROPIC_API_KEY"]) expect(test).not.toHaveProperty(name);
  });

  it("points Maven's user.home at the run's HOME in both phases, where the run's copy of settings.xml is", () => {
    for (const phase of ["install", "test"] as const) expect(phaseEnvironment(phase, settings).MAVEN_OPTS).toBe("-Dmaven.repo.local=/cache/maven -Duser.home=/run/home");
  });
});

describe("registry settings files", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), "asp-registry-files-"));
    await writeFile(path.join(folder, "settings.xml"), "<settings/>\n");
    await writeFile(path.join(folder, "config.toml"), "[net]\nretry = 0\n");
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("are read once, at start, from the variables that name them", () => {
    expect(readRegistryFiles({ ASP_MAVEN_SETTINGS: path.join(folder, "settings.xml"), ASP_CARGO_CONFIG: path.join(folder, "config.toml") })).toEqual({
      mavenSettings: "<settings/>\n",
      cargoConfig: "[net]\nretry = 0\n",
    });
    expect(readRegistryFiles({})).toEqual({});
  });

  it("stop the agent at start with the variable and the path when a file is missing", () => {
    const missing = path.join(folder, "no-such-npmrc");
    expect(() => buildSandboxDeps({ ...process.env, ASP_NPMRC: missing })).toThrow(ConfigError);
    expect(() => buildSandboxDeps({ ...process.env, ASP_NPMRC: missing })).toThrow(`ASP_NPMRC: cannot read the file "${missing}"`);
    expect(() => buildSandboxDeps({ ...process.env, ASP_PIP_CONFIG: folder })).toThrow(/^ASP_PIP_CONFIG: cannot read the file .*EISDIR/);
  });

  it("reach the test agent's deps", () => {
    const deps = buildSandboxDeps({ ...process.env, ASP_MAVEN_SETTINGS: path.join(folder, "settings.xml") });
    expect(deps.install.registryFiles).toEqual({ mavenSettings: "<settings/>\n" });
  });
});
