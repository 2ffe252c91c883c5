import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runProjectTests } from "../../agents/tester/run-project-tests.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

const deps = testRunDeps({ timeoutMs: 30_000 });
// A secret of the host in a place generated code must not see: a temp folder beside the runs, world-readable.
const canaryDirectory = mkdtempSync(path.join(os.tmpdir(), "asp-canary-"));
const canary = path.join(canaryDirectory, "canary.txt");
writeFileSync(canary, "host secret\n", { mode: 0o644 });
const repositoryFile = path.resolve("package.json");
// A host tree nobody thought to list (CI clones to /check): only an allow-list of system trees hides it.
// Root may create one at the top; elsewhere the agent's own home stands in.
const unlistedDirectory = (() => {
  try {
    return mkdtempSync("/asp-unlisted-");
  } catch {
    return mkdtempSync(path.join(os.homedir(), "asp-unlisted-"));
  }
})();
const unlistedCanary = path.join(unlistedDirectory, "canary.txt");
writeFileSync(unlistedCanary, "host secret\n", { mode: 0o644 });
chmodSync(unlistedDirectory, 0o755);
afterAll(() => rmSync(unlistedDirectory, { recursive: true, force: true }));

const probe = (body: string) => [
  { path: "probe/__init__.py", content: "" },
  { path: "tests/__init__.py", content: "" },
  { path: "tests/test_probe.py", content: `import os, socket, unittest\n\n\nclass Probe(unittest.TestCase):\n    def test_probe(self):\n${body.split("\n").map((line) => `        ${line}`).join("\n")}\n` },
];

describe("the bubblewrap sandbox", () => {
  it("is the sandbox this machine runs, and the report says so", async () => {
    expect(deps.capabilities.bubblewrap).toBe(true);
    const report = await runProjectTests(probe("self.assertTrue(True)"), deps);
    expect(report.sandbox).toMatchObject({ kind: "bubblewrap", network: "none" });
    expect(report.verdict).toBe("PASS");
  });

  it("hides files outside the project's copy: a canary in another temp folder, the repository, an unlisted top-level folder, the user's home", async () => {
    const report = await runProjectTests(
      probe(`for path in [${JSON.stringify(canary)}, ${JSON.stringify(repositoryFile)}, ${JSON.stringify(unlistedCanary)}, os.path.expanduser("~root/.bash_history")]:\n    self.assertFalse(os.path.exists(path), path)\nwith self.assertRaises(OSError):\n    open("/usr/bin/asp-write-probe", "w")`),
      deps,
    );
    expect(report.output).not.toContain("host secret");
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ verdict: "PASS", passed: 1 });
  });

  it("lets the tests write only inside their copy and their private HOME and /tmp", async () => {
    const report = await runProjectTests(
      probe(`open("written.txt", "w").write("ok")\nopen(os.path.join(os.environ["HOME"], "x"), "w").write("ok")\nopen("/tmp/x", "w").write("ok")\nself.assertFalse(any(name.startswith("asp-canary-") for name in os.listdir("/tmp")))`),
      deps,
    );
    expect(report).toMatchObject({ verdict: "PASS", passed: 1 });
  });

  it("has no network: a connection to a public address fails, loopback works", async () => {
    const report = await runProjectTests(
      probe(`with self.assertRaises(OSError):\n    socket.create_connection(("1.1.1.1", 443), timeout=3)\nwith self.assertRaises(OSError):\n    socket.getaddrinfo("pypi.org", 443)\nserver = socket.socket()\nserver.bind(("127.0.0.1", 0))\nserver.listen()\nsocket.create_connection(server.getsockname(), timeout=3).close()`),
      deps,
    );
    expect(report).toMatchObject({ verdict: "PASS", passed: 1 });
  });
});
