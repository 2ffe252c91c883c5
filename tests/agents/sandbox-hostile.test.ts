import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runProjectTests } from "../../agents/tester/run-project-tests.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

const base = testRunDeps({ timeoutMs: 15_000 });
const capabilities = base.capabilities;
const deps = { ...base, limits: { ...base.limits, memoryBytes: 512 * 1024 ** 2, maxProcesses: 64, maxFileBytes: 1024 ** 2, cpuSeconds: 10 } };

/** A one-test python project whose test body is the hostile code. */
const project = (body: string) => [
  { path: "hostile/__init__.py", content: "# package\n" },
  { path: "tests/__init__.py", content: "# tests\n" },
  { path: "tests/test_hostile.py", content: `import os, sys, subprocess, unittest\n\nclass Hostile(unittest.TestCase):\n    def test_it(self):\n${body.split("\n").map((line) => `        ${line}`).join("\n")}\n` },
];

describe("hostile generated code in the test sandbox", () => {
  it("contains a fork bomb: it ends, within the process limit, and leaves no process behind, not even a setsid one", async () => {
    // Each bomb process also starts a marked sleeper, so anything the bomb left behind is easy to find.
    const bomb = "while True:\n    try:\n        subprocess.Popen(['setsid', 'sleep', '987654'])\n        os.fork()\n    except OSError:\n        pass";
    const report = await runProjectTests(project(bomb), { ...deps, limits: { ...deps.limits, timeoutMs: 4000 } });
    expect(report.verdict).toBe("FAIL");
    expect(report.timedOut).toBe(true);
    expect(report.sandbox.kind).toBe(capabilities.bubblewrap ? "bubblewrap" : capabilities.networkIsolation ? "unshare" : "none");
    // setsid sleepers left the process group; only the PID namespace catches them.
    if (capabilities.networkIsolation) expect(execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })).not.toContain("sleep 987654");
  }, 60_000);

  // The bomb above ends at the time limit; this shows the process limit itself stops the forking, in each sandbox
  // this machine has. RLIMIT_NPROC counts the sandbox user's processes (nobody's, as setpriv drops root, which the
  // kernel would not limit), so other sandboxes running at the same moment share the budget: the count may be
  // lower, never higher.
  const sandboxes = [
    ...(capabilities.bubblewrap ? [{ kind: "bubblewrap", capabilities }] : []),
    ...(capabilities.networkIsolation ? [{ kind: "unshare", capabilities: { ...capabilities, bubblewrap: false } }] : []),
  ];
  it.each(sandboxes)("stops forking at the process limit under $kind, before the time limit", async (sandbox) => {
    const limit = deps.limits.maxProcesses;
    const forkUntilRefused = [
      "import errno, resource",
      // Each child waits for the parent to close the pipe, so every child counts until the fork is refused.
      "read_end, write_end = os.pipe()",
      "children, refusal = [], None",
      `while len(children) < ${limit * 4}:`,
      "    try:",
      "        pid = os.fork()",
      "    except OSError as error:",
      "        refusal = error",
      "        break",
      "    if pid == 0:",
      "        os.close(write_end)",
      "        os.read(read_end, 1)",
      "        os._exit(0)",
      "    children.append(pid)",
      "os.close(write_end)",
      "for pid in children:",
      "    os.waitpid(pid, 0)",
      "print(f'FORKED={len(children)} REFUSED={refusal.errno if refusal else None} NPROC={resource.getrlimit(resource.RLIMIT_NPROC)[0]}', flush=True)",
      "self.assertIsNotNone(refusal)",
      "self.assertEqual(refusal.errno, errno.EAGAIN)",
    ].join("\n");
    const timeoutMs = 30_000;
    const report = await runProjectTests(project(forkUntilRefused), { ...deps, capabilities: sandbox.capabilities, limits: { ...deps.limits, timeoutMs } });
    expect(report.sandbox.kind).toBe(sandbox.kind);
    const counts = report.output.match(/FORKED=(\d+) REFUSED=(\w+) NPROC=(\d+)/);
    expect(counts, report.output).not.toBeNull();
    const [, forked, refused, nproc] = counts!;
    expect(refused).toBe("11");
    expect(Number(nproc)).toBe(limit);
    // The test runner is one of the user's processes too.
    expect(Number(forked)).toBeLessThan(limit);
    expect(report).toMatchObject({ verdict: "PASS", passed: 1, timedOut: false });
    expect(report.durationMs).toBeLessThan(timeoutMs);
  }, 60_000);

  it("stops a memory hog at the memory limit", async () => {
    const report = await runProjectTests(project("hog = bytearray(2 * 1024 ** 3)\nself.assertTrue(len(hog) > 0)"), deps);
    expect(report.verdict).toBe("FAIL");
    expect(report.timedOut).toBe(false);
    expect(report.output).toContain("MemoryError");
  }, 60_000);

  it("stops a file bomb at the file size limit", async () => {
    const report = await runProjectTests(project("with open('big.bin', 'wb') as handle:\n    handle.write(b'x' * (8 * 1024 ** 2))"), deps);
    expect(report.verdict).toBe("FAIL");
    expect(report.output).toMatch(/File too large|EFBIG|Errno 27/);
  }, 60_000);

  it("gives generated code no secrets and, where the kernel allows, no network and no root", async () => {
    process.env.ASP_SANDBOX_CANARY_KEY = "sk-ant-canary-must-not-leak";
    try {
      const report = await runProjectTests(project([
        "print('ENV=' + ','.join(sorted(os.environ)))",
        "print('UID=' + str(os.getuid()))",
        "import socket",
        "print('INTERFACES=' + ','.join(name for _, name in socket.if_nameindex()))",
      ].join("\n")), deps);
      expect(report.verdict).toBe("PASS");
      const environment = report.output.match(/ENV=(.*)/)![1]!.split(",");
      expect(environment.some((name) => /KEY|TOKEN|SECRET|PASS|NATS|ANTHROPIC|ASP_/.test(name))).toBe(false);
      expect(report.output).not.toContain("sk-ant-canary-must-not-leak");
      if (capabilities.networkIsolation) expect(report.output).toContain("INTERFACES=lo\n");
      if (capabilities.unprivilegedUser) expect(report.output).toContain(`UID=${capabilities.unprivilegedUser.uid}\n`);
    } finally {
      delete process.env.ASP_SANDBOX_CANARY_KEY;
    }
  }, 60_000);
});
