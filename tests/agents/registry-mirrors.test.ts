import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { RegistryFiles } from "../../agents/tester/install/registry-files.ts";
import { runProjectTests, type ProjectFile } from "../../agents/tester/run-project-tests.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

// Maven starts a JVM; every tool here fails fast, on the mirror's 404.
vi.setConfig({ testTimeout: 120_000 });

/**
 * A mirror on loopback that holds nothing: it records each request and answers 404. The install phase
 * shares the host's network, so a tool that read the user's settings asks it; one that did not asks the
 * real registry, and the mirror sees nothing.
 */
let mirror: http.Server;
let mirrorUrl: string;
const requests: string[] = [];
let cacheDirectory: string;
beforeAll(async () => {
  mirror = http.createServer((request, response) => {
    requests.push(request.url ?? "");
    response.writeHead(404, { "content-type": "text/plain" }).end("not here");
  });
  await new Promise<void>((resolve) => mirror.listen(0, "127.0.0.1", resolve));
  mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
  // An empty cache of its own: nothing a tool could take from it instead of asking the mirror.
  cacheDirectory = await mkdtemp(path.join(os.tmpdir(), "asp-mirror-cache-"));
});
afterAll(async () => {
  await new Promise((resolve) => mirror.close(resolve));
  await rm(cacheDirectory, { recursive: true, force: true });
});
beforeEach(() => {
  requests.length = 0;
});

const deps = () => testRunDeps({ cacheDirectory });
const withRegistry = (registryFiles: RegistryFiles, registryEnv: Record<string, string> = {}) => {
  const base = deps();
  return { ...base, install: { ...base.install, registryFiles, registryEnv } };
};

const pythonProject: ProjectFile[] = [
  { path: "requirements.txt", content: "idna==3.10\n" },
  { path: "test_hosts.py", content: "import unittest\n\n\nclass T(unittest.TestCase):\n    def test_nothing(self):\n        pass\n" },
];
const nodeProject: ProjectFile[] = [
  { path: "package.json", content: JSON.stringify({ name: "mirrored", version: "1.0.0", private: true, dependencies: { "asp-mirror-probe": "1.0.0" } }) },
  { path: "test/probe.test.js", content: "require('node:test')('nothing', () => {});\n" },
];

describe("a user's mirror, from a settings file the run gets a copy of", () => {
  it("ASP_PIP_CONFIG: pip asks the index that pip.conf names", async () => {
    const report = await runProjectTests(pythonProject, withRegistry({ pipConfig: `[global]\nindex-url = ${mirrorUrl}/simple\nretries = 0\n` }));
    expect(requests).toContain("/simple/idna/");
    expect(report.install.failedDependency).toBe("idna==3.10");
  });

  it("ASP_NPMRC: npm asks the registry that .npmrc names", async () => {
    const report = await runProjectTests(nodeProject, withRegistry({ npmrc: `registry=${mirrorUrl}/\nfetch-retries=0\n` }));
    expect(requests).toContain("/asp-mirror-probe");
    expect(report.install.steps[0]).toMatchObject({ tool: "npm", ok: false });
  });

  it("ASP_CARGO_CONFIG: cargo fetch reads the mirror that replaces crates.io", async () => {
    const report = await runProjectTests([
      { path: "Cargo.toml", content: "[package]\nname = \"mirrored\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nitoa = \"1\"\n" },
      { path: "src/lib.rs", content: "#[cfg(test)]\nmod tests {\n    #[test]\n    fn nothing() {}\n}\n" },
    ], withRegistry({ cargoConfig: `[source.crates-io]\nreplace-with = "mirror"\n\n[source.mirror]\nregistry = "sparse+${mirrorUrl}/index/"\n\n[net]\nretry = 0\n` }));
    expect(requests.some((url) => url.startsWith("/index/"))).toBe(true);
    expect(report.install.steps[0]).toMatchObject({ tool: "cargo", ok: false });
  });

  it("ASP_MAVEN_SETTINGS: Maven resolves through the mirror that settings.xml names", async () => {
    const report = await runProjectTests([
      { path: "pom.xml", content: "<project><modelVersion>4.0.0</modelVersion><groupId>example</groupId><artifactId>mirrored</artifactId><version>1</version></project>\n" },
      { path: "src/test/java/NothingTest.java", content: "class NothingTest {}\n" },
    ], withRegistry({ mavenSettings: `<settings><mirrors><mirror><id>asp-test-mirror</id><mirrorOf>*</mirrorOf><url>${mirrorUrl}/maven2</url></mirror></mirrors></settings>\n` }));
    expect(requests.some((url) => url.startsWith("/maven2/org/apache/maven/plugins/"))).toBe(true);
    expect(report.install.steps[0]).toMatchObject({ tool: "maven", ok: false });
  });
});

describe("a user's mirror, from the agent's environment", () => {
  it("PIP_INDEX_URL reaches pip", async () => {
    await runProjectTests(pythonProject, withRegistry({}, { PIP_INDEX_URL: `${mirrorUrl}/simple`, PIP_RETRIES: "0" }));
    expect(requests).toContain("/simple/idna/");
  });

  it("npm_config_registry reaches npm", async () => {
    await runProjectTests(nodeProject, withRegistry({}, { npm_config_registry: `${mirrorUrl}/`, npm_config_fetch_retries: "0" }));
    expect(requests).toContain("/asp-mirror-probe");
  });

  it("GOPROXY reaches go mod download", async () => {
    await runProjectTests([
      { path: "go.mod", content: "module example.com/mirrored\n\ngo 1.21\n\nrequire golang.org/x/text v0.14.0\n" },
      { path: "mirrored_test.go", content: "package mirrored\n\nimport \"testing\"\n\nfunc TestNothing(t *testing.T) {}\n" },
    ], withRegistry({}, { GOPROXY: mirrorUrl, GOSUMDB: "off" }));
    expect(requests.some((url) => url.startsWith("/golang.org/x/text/@v/"))).toBe(true);
  });
});

describe("settings files the tests do not need", () => {
  it("are gone before the test phase: generated tests cannot read a token in .npmrc or pip.conf", async () => {
    const report = await runProjectTests([
      { path: "package.json", content: JSON.stringify({ name: "reader", version: "1.0.0", private: true, scripts: { test: "node --test" }, dependencies: { "local-lib": "file:local-lib" } }) },
      { path: "local-lib/package.json", content: JSON.stringify({ name: "local-lib", version: "1.0.0" }) },
      { path: "test/home.test.js", content: "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { existsSync } = require('node:fs');\nconst path = require('node:path');\nconst home = require('node:os').homedir();\ntest('no npmrc', () => assert.equal(existsSync(path.join(home, '.npmrc')), false));\ntest('no pip.conf', () => assert.equal(existsSync(path.join(home, '.config', 'pip', 'pip.conf')), false));\ntest('settings.xml stays', () => assert.equal(existsSync(path.join(home, '.m2', 'settings.xml')), true));\n" },
    ], withRegistry({ npmrc: "//npm.company.example/:_authToken=secret\n", pipConfig: "[global]\ntimeout = 10\n", mavenSettings: "<settings/>\n" }));
    expect(report.install.steps[0]).toMatchObject({ tool: "npm", ok: true });
    expect(report).toMatchObject({ verdict: "PASS", passed: 3 });
  });
});
