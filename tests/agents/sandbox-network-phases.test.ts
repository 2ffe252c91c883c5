import { describe, expect, it } from "vitest";
import { runProjectTests } from "../../agents/tester/run-project-tests.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

const probed = testRunDeps({ timeoutMs: 60_000 });
// The project's own install script is the probe of the install phase, so scripts are allowed for this run.
const deps = { ...probed, install: { ...probed.install, allowInstallScripts: true } };
const registryHost = "registry.npmjs.org";

/**
 * One project, one run: its postinstall script (install phase) resolves the registry's name and connects to it,
 * and writes down the address; its tests (test phase) try the same name and that same address.
 */
const project = [
  {
    path: "package.json",
    content: JSON.stringify({ name: "network-phases", version: "1.0.0", private: true, scripts: { postinstall: "node install-probe.js" }, dependencies: { "local-helper": "file:./helper" } }, null, 2),
  },
  // A local dependency: the project has something to install, without depending on what the registry serves.
  { path: "helper/package.json", content: JSON.stringify({ name: "local-helper", version: "1.0.0", main: "index.js" }) },
  { path: "helper/index.js", content: "module.exports = { helper: true };\n" },
  {
    path: "install-probe.js",
    content: [
      "const dns = require('node:dns/promises');",
      "const fs = require('node:fs');",
      "const net = require('node:net');",
      "",
      "function connect(host) {",
      "  return new Promise((resolve, reject) => {",
      "    const socket = net.connect({ host, port: 443, timeout: 10000 }, () => { socket.end(); resolve(); });",
      "    socket.on('error', reject);",
      "    socket.on('timeout', () => { socket.destroy(); reject(new Error('timed out')); });",
      "  });",
      "}",
      "",
      "(async () => {",
      `  const { address } = await dns.lookup(${JSON.stringify(registryHost)}, { family: 4 });`,
      "  await connect(address);",
      "  fs.writeFileSync('install-network.json', JSON.stringify({ address }));",
      // The install itself does not fail on a refused probe: the tests report why.
      "})().catch((error) => fs.writeFileSync('install-network.json', JSON.stringify({ error: String(error) })));",
      "",
    ].join("\n"),
  },
  {
    path: "test/network.test.js",
    content: [
      "const test = require('node:test');",
      "const assert = require('node:assert/strict');",
      "const dns = require('node:dns/promises');",
      "const fs = require('node:fs');",
      "const net = require('node:net');",
      "",
      "const installed = JSON.parse(fs.readFileSync('install-network.json', 'utf8'));",
      "",
      "test('the install phase resolved the registry and connected to it', () => {",
      "  assert.ok(installed.address, installed.error);",
      "});",
      "",
      "test('the tests cannot connect to the address the install reached', async () => {",
      "  const error = await new Promise((resolve) => {",
      "    const socket = net.connect({ host: installed.address, port: 443, timeout: 5000 }, () => { socket.end(); resolve(undefined); });",
      "    socket.on('error', resolve);",
      "    socket.on('timeout', () => { socket.destroy(); resolve(new Error('timed out')); });",
      "  });",
      "  assert.ok(error, `connected to ${installed.address}:443`);",
      "  console.log(`connect refused: ${error.code ?? error.message}`);",
      "});",
      "",
      "test('the tests cannot resolve the registry name', async () => {",
      `  await assert.rejects(dns.lookup(${JSON.stringify(registryHost)}));`,
      "});",
      "",
    ].join("\n"),
  },
];

const sandboxes = [
  { kind: "bubblewrap", capabilities: deps.capabilities },
  { kind: "unshare", capabilities: { ...deps.capabilities, bubblewrap: false } },
];

describe("the install may use the network; the test run of the same project has none", () => {
  it.each(sandboxes)("under $kind: the install connects to the registry, the tests cannot reach it or resolve it", async (sandbox) => {
    expect(sandbox.kind === "bubblewrap" ? probed.capabilities.bubblewrap : probed.capabilities.networkIsolation).toBe(true);
    const report = await runProjectTests(project, { ...deps, capabilities: sandbox.capabilities });
    expect(report.install.steps).toMatchObject([{ tool: "npm", ok: true }]);
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ runner: "node-test", verdict: "PASS", passed: 3, total: 3, sandbox: { kind: sandbox.kind, network: "none" } });
    expect(report.output).toMatch(/connect refused: (ENETUNREACH|EHOSTUNREACH|ECONNREFUSED|timed out)/);
  }, 180_000);
});
