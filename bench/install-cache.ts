/**
 * Install time of the test agent's install phase, cold (an empty download cache) and warm (the same
 * project again), for one Python and one Node project. The warm run must download nothing: each step
 * reports whether it added anything to the shared cache, and the benchmark fails when a warm step did.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runProjectTests } from "../agents/tester/run-project-tests.ts";
import { buildSandboxDeps } from "../agents/tester/test-agent-config.ts";
import { saveResult } from "./support/results.ts";

const projects = {
  python: [
    { path: "requirements.txt", content: "pytest>=8,<10\nidna==3.10\n" },
    { path: "hosts.py", content: "import idna\n\n\ndef ascii_host(name):\n    return idna.encode(name).decode()\n" },
    { path: "hosts_test.py", content: "from hosts import ascii_host\n\n\ndef test_ascii():\n    assert ascii_host('bücher.example') == 'xn--bcher-kva.example'\n" },
  ],
  node: [
    { path: "package.json", content: JSON.stringify({ name: "bench-node", version: "1.0.0", private: true, scripts: { test: "jest --ci" }, devDependencies: { jest: "29.7.0" } }) },
    { path: "sum.js", content: "module.exports = (a, b) => a + b;\n" },
    { path: "sum.spec.js", content: "const sum = require('./sum');\ntest('adds', () => expect(sum(1, 2)).toBe(3));\n" },
  ],
};

export async function runInstallCacheBenchmark(): Promise<void> {
  const cache = await mkdtemp(path.join(os.tmpdir(), "asp-bench-install-cache-"));
  const deps = buildSandboxDeps({ ...process.env, ASP_INSTALL_CACHE_DIR: cache });
  const figures: Record<string, unknown> = {};
  try {
    for (const [language, files] of Object.entries(projects)) {
      const runs = [];
      for (const temperature of ["cold", "warm"] as const) {
        const report = await runProjectTests(files, deps);
        if (report.verdict !== "PASS") throw new Error(`the ${language} project did not pass (${report.buildErrors.join("; ")})`);
        const installMs = report.install.steps.reduce((sum, step) => sum + step.durationMs, 0);
        runs.push({ temperature, installMs, downloaded: report.install.steps.some((step) => step.downloaded), steps: report.install.steps.map(({ tool, durationMs, downloaded }) => ({ tool, durationMs, downloaded })) });
        console.log(`${language} ${temperature}: install ${installMs} ms, downloaded ${runs.at(-1)!.downloaded}`);
        // The cache starts empty, so a cold run that downloaded nothing means the measure itself is broken.
        if (temperature === "cold" && !runs.at(-1)!.downloaded) throw new Error(`the cold ${language} run downloaded nothing into an empty cache: the download measure is broken`);
        if (temperature === "warm" && runs.at(-1)!.downloaded) throw new Error(`the warm ${language} run downloaded again (${report.install.steps.filter((step) => step.downloaded).map((step) => step.command).join("; ")}): the shared cache did not serve it`);
      }
      figures[language] = runs;
    }
    await saveResult("install-cache", { sandbox: deps.capabilities.bubblewrap ? "bubblewrap" : "unshare", projects: figures });
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runInstallCacheBenchmark();
