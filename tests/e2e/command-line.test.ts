import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { highFinding, loadExampleScenario } from "./support/example-scenarios.ts";
import { runAsp } from "./support/run-cli.ts";

const temporaryFolders: string[] = [];
async function temporaryFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), "asp-e2e-cli-"));
  temporaryFolders.push(folder);
  return folder;
}

afterAll(async () => {
  await Promise.all(temporaryFolders.map((folder) => rm(folder, { recursive: true, force: true })));
});


/** `asp run` exactly as a user starts it: NATS_URL and the API key unset, so it brings up its own server, model and fleet. */
const runCli = (args: string[], dataDirectory: string) => runAsp(["run", ...args], { ASP_DATA_DIR: dataDirectory });

function unittest(directory: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile("python3", ["-m", "unittest", "discover"], { cwd: directory, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe("asp run, the npm start default", () => {
  it("exits 0 and leaves every report and a project whose tests pass by hand", async () => {
    const dataDirectory = await temporaryFolder();
    const out = path.join(dataDirectory, "out");
    const result = await runCli(["examples/hello-python/task.yaml", "--scenario", "examples/hello-python/scenario.yaml", "--out", out], dataDirectory);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    expect(result.stderr).toContain("NATS_URL is not set: started a local nats-server");
    expect(result.stdout).toMatch(/run \S+ passed/);
    const entries = (await readdir(out)).sort();
    for (const name of ["plan.json", "design.md", "design-review.md", "code-review.md", "test-report.json", "postmortem.md", "events.ndjson", "project"]) {
      expect(entries).toContain(name);
    }
    expect(existsSync(path.join(out, "project", "textstats", "tokenize.py"))).toBe(true);
    const tests = await unittest(path.join(out, "project"));
    expect(tests.code, tests.output).toBe(0);
    expect(tests.output).toContain("Ran 14 tests");
    expect(tests.output).toMatch(/\nOK\s*$/);
  }, 180_000);

  it("exits 1 when a gate fails for good, after its three rounds", async () => {
    const dataDirectory = await temporaryFolder();
    const data = (await loadExampleScenario("hello-python")).data();
    data.agents["review-security:design"] = { summary: "Never good enough.", findings: [highFinding({ description: "The design stores secrets in plain text." })] };
    const scenarioPath = path.join(dataDirectory, "design-review-always-fails.json");
    await writeFile(scenarioPath, JSON.stringify(data));
    const result = await runCli(["examples/hello-python/task.yaml", "--scenario", scenarioPath, "--out", path.join(dataDirectory, "out")], dataDirectory);
    expect(result.code, result.stderr.slice(-3000)).toBe(1);
    expect(result.stdout).toMatch(/run \S+ failed: the design-review gate failed with FAIL after 3 round\(s\)/);
    // The postmortem still ran and its report was written.
    expect(existsSync(path.join(dataDirectory, "out", "postmortem.md"))).toBe(true);
    expect(existsSync(path.join(dataDirectory, "out", "project"))).toBe(false);
  }, 180_000);

  it("exits 2 with a clear message on a task file that does not exist", async () => {
    const dataDirectory = await temporaryFolder();
    const result = await runCli(["examples/no-such-example/task.yaml", "--scenario", "examples/hello-python/scenario.yaml"], dataDirectory);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the task file examples/no-such-example/task.yaml does not exist");
  });

  it("exits 2 naming the bad field of an invalid task file", async () => {
    const dataDirectory = await temporaryFolder();
    const taskPath = path.join(dataDirectory, "task.yaml");
    await writeFile(taskPath, "description: a task without a title\nrequirements: not-a-list\n");
    const result = await runCli([taskPath, "--scenario", "examples/hello-python/scenario.yaml"], dataDirectory);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the task in ${taskPath} is invalid`);
    expect(result.stderr).toMatch(/title/);
    // It stopped before starting anything.
    expect(result.stderr).not.toContain("starting the fleet");
  });
});
