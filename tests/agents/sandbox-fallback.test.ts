import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runProjectTests } from "../../agents/tester/run-project-tests.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

// The fallback a machine without bubblewrap gets, proven on this one (which has bubblewrap) by switching it off.
const probed = testRunDeps({ timeoutMs: 30_000 });
const deps = { ...probed, capabilities: { ...probed.capabilities, bubblewrap: false } };
const limits = deps.limits;

// A file of the agent's home: the fallback covers a home the sandbox user cannot enter when a toolchain lives there.
const homeCanaryDirectory = mkdtempSync(path.join(os.homedir(), "asp-fallback-canary-"));
writeFileSync(path.join(homeCanaryDirectory, "canary.txt"), "host secret\n", { mode: 0o644 });
afterAll(() => rmSync(homeCanaryDirectory, { recursive: true, force: true }));

const probe = (body: string) => [
  { path: "probe/__init__.py", content: "" },
  { path: "tests/__init__.py", content: "" },
  { path: "tests/test_probe.py", content: `import os, resource, socket, subprocess, sys, unittest\n\n\nclass Probe(unittest.TestCase):\n    def test_probe(self):\n${body.split("\n").map((line) => `        ${line}`).join("\n")}\n` },
];

describe("the unshare fallback sandbox, with bubblewrap switched off", () => {
  it("is available here, and the report names it", async () => {
    expect(probed.capabilities.networkIsolation).toBe(true);
    const report = await runProjectTests(probe("self.assertTrue(True)"), deps);
    expect(report.sandbox).toMatchObject({ kind: "unshare", network: "none" });
    expect(report).toMatchObject({ verdict: "PASS", passed: 1 });
  });

  it("runs the tests with no network: connecting out and resolving a name fail, loopback works, only lo exists", async () => {
    const report = await runProjectTests(
      probe([
        "with self.assertRaises(OSError):",
        "    socket.create_connection(('1.1.1.1', 443), timeout=3)",
        "with self.assertRaises(OSError):",
        "    socket.getaddrinfo('pypi.org', 443)",
        "server = socket.socket()",
        "server.bind(('127.0.0.1', 0))",
        "server.listen()",
        "socket.create_connection(server.getsockname(), timeout=3).close()",
        "self.assertEqual([name for _, name in socket.if_nameindex()], ['lo'])",
      ].join("\n")),
      deps,
    );
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ verdict: "PASS", passed: 1, sandbox: { kind: "unshare", network: "none" } });
  });

  it("runs them as the unprivileged user, under the same rlimits, as PID 1 of their own PID namespace", async () => {
    expect(deps.capabilities.unprivilegedUser).toBeDefined();
    const report = await runProjectTests(
      probe([
        `self.assertEqual((os.getuid(), os.getgid()), (${deps.capabilities.unprivilegedUser!.uid}, ${deps.capabilities.unprivilegedUser!.gid}))`,
        `self.assertEqual(resource.getrlimit(resource.RLIMIT_NPROC)[0], ${limits.maxProcesses})`,
        `self.assertEqual(resource.getrlimit(resource.RLIMIT_DATA)[0], ${limits.memoryBytes})`,
        `self.assertEqual(resource.getrlimit(resource.RLIMIT_FSIZE)[0], ${limits.maxFileBytes})`,
        `self.assertEqual(resource.getrlimit(resource.RLIMIT_CPU)[0], ${limits.cpuSeconds})`,
        "self.assertEqual(os.getpid(), 1)",
        // Left running on purpose, out of the process group: only the PID namespace ends it with the runner.
        "subprocess.Popen(['setsid', 'sleep', '876543'])",
      ].join("\n")),
      deps,
    );
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ verdict: "PASS", passed: 1 });
    expect(execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })).not.toContain("sleep 876543");
  });

  it("reaches a toolchain under a home the sandbox user cannot enter, and hides the rest of that home", async () => {
    const python = deps.toolchains.found.python3!;
    const home = os.homedir();
    // The case this proves: root's 0700 home holding pyenv's Python (nobody could not even start it before).
    expect(python.startsWith(`${home}/`)).toBe(true);
    expect(statSync(home).mode & 0o001).toBe(0);
    const report = await runProjectTests(
      probe([
        `self.assertEqual(sys.base_prefix, ${JSON.stringify(path.dirname(path.dirname(python)))})`,
        `self.assertFalse(os.path.exists(${JSON.stringify(path.join(homeCanaryDirectory, "canary.txt"))}))`,
        `self.assertNotIn(${JSON.stringify(path.basename(homeCanaryDirectory))}, os.listdir(${JSON.stringify(home)}))`,
        "with self.assertRaises(OSError):",
        `    open(os.path.join(sys.base_prefix, 'asp-write-probe'), 'w')`,
      ].join("\n")),
      deps,
    );
    expect(report.output).not.toContain("host secret");
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ verdict: "PASS", passed: 1, sandbox: { kind: "unshare" } });
  });
});
