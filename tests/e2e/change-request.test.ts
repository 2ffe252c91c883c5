import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TestReport } from "../../schemas/test-report.ts";
import { loadExampleScenario } from "./support/example-scenarios.ts";
import { changeExample as example, exampleRepository as committedExample, git, treeOf } from "./support/example-repository.ts";
import { runAsp } from "./support/run-cli.ts";

const temporaryFolders: string[] = [];
afterAll(async () => {
  await Promise.all(temporaryFolders.map((folder) => rm(folder, { recursive: true, force: true })));
});

/** The example's repository as a git repository of its own, in a temporary folder. */
async function exampleRepository(): Promise<{ folder: string; repository: string; head: string }> {
  const folder = await mkdtemp(path.join(tmpdir(), "asp-e2e-change-"));
  temporaryFolders.push(folder);
  return { folder, ...(await committedExample(folder)) };
}

/** `asp run --repo` as a user starts it: its own nats-server, the local model server and the fleet. */
const runCli = (args: string[], dataDirectory: string) => runAsp(["run", ...args], { ASP_DATA_DIR: dataDirectory });

async function lineCountOfTree(directory: string, relative = ""): Promise<number> {
  let total = 0;
  for (const item of await readdir(path.join(directory, relative), { withFileTypes: true })) {
    const name = path.join(relative, item.name);
    if (item.isDirectory()) total += await lineCountOfTree(directory, name);
    else {
      const text = await readFile(path.join(directory, name), "utf8");
      total += text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    }
  }
  return total;
}

describe("asp run --repo, a change request on an existing repository", () => {
  it("modifies two files and adds one, runs the old and new tests, and commits one commit on asp/<run id> without touching the working tree", async () => {
    const { folder, repository, head } = await exampleRepository();
    const out = path.join(folder, "out");
    const result = await runCli([path.join(example, "task.yaml"), "--repo", repository, "--scenario", path.join(example, "scenario.yaml"), "--out", out], path.join(folder, "data"));
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const runId = result.stdout.match(/run (\S+) passed/)?.[1];
    expect(runId).toBeDefined();
    const branch = `asp/${runId}`;
    expect(result.stdout).toContain(`branch ${branch} `);

    // One commit on the new branch, on top of the commit the run started from, with the run id in its message.
    expect((await git(repository, "rev-list", `${head}..${branch}`)).trim().split("\n")).toHaveLength(1);
    expect((await git(repository, "rev-parse", `${branch}^`)).trim()).toBe(head);
    expect(await git(repository, "log", "-1", "--format=%B", branch)).toContain(runId);
    expect((await git(repository, "diff", "--name-status", head, branch)).trim().split("\n").sort()).toEqual(["A\ttests/test_frequency.py", "M\twordcount/__init__.py", "M\twordcount/counter.py"]);

    // Every file the manifest does not name keeps its blob: byte-identical (data/sample.txt has CRLF and no final newline).
    const before = await treeOf(repository, head);
    const after = await treeOf(repository, branch);
    const named = new Set(["tests/test_frequency.py", "wordcount/__init__.py", "wordcount/counter.py"]);
    for (const [file, blob] of before) if (!named.has(file)) expect(after.get(file), file).toBe(blob);
    expect([...after.keys()].filter((file) => !before.has(file))).toEqual(["tests/test_frequency.py"]);
    expect(Buffer.from(await git(repository, "show", `${branch}:data/sample.txt`))).toEqual(await readFile(path.join(example, "repository/data/sample.txt")));

    // The user's branch, HEAD and working tree are as they were.
    expect((await git(repository, "symbolic-ref", "--short", "HEAD")).trim()).toBe("main");
    expect((await git(repository, "rev-parse", "HEAD")).trim()).toBe(head);
    expect(await git(repository, "status", "--porcelain", "--untracked-files=all")).toBe("");
    expect(existsSync(path.join(repository, "tests/test_frequency.py"))).toBe(false);
    expect(await readFile(path.join(repository, "wordcount/counter.py"), "utf8")).toBe(await readFile(path.join(example, "repository/wordcount/counter.py"), "utf8"));

    // The code reviewers read the three files of the change, not the repository's seven.
    expect(await readFile(path.join(out, "code-review.md"), "utf8")).toContain("finding(s) over 3 files from 3 reviewers");

    // The repository's existing tests and the new ones ran in the sandbox, and passed.
    const report = JSON.parse(await readFile(path.join(out, "test-report.json"), "utf8"));
    expect(report).toMatchObject({ verdict: "PASS", runner: "python-unittest", failed: 0, total: 11, passed: 11, sandbox: { network: "none" } });
    expect(report.output).toMatch(/test_final_newline_does_not_add_a_line .*\.\.\. ok/);
    expect(report.output).toMatch(/test_ranks_by_count_then_alphabetically .*\.\.\. ok/);

    // The postmortem counts base, added, modified and deleted lines, and they agree with git's own line diff.
    const numstat = (await git(repository, "diff", "--numstat", head, branch)).trim().split("\n").map((line) => line.split("\t").map(Number));
    const insertions = numstat.reduce((sum, [added]) => sum + added!, 0);
    const deletions = numstat.reduce((sum, [, deleted]) => sum + deleted!, 0);
    const postmortem = await readFile(path.join(out, "postmortem.md"), "utf8");
    const sizeRow = (kind: string) => postmortem.match(new RegExp(`\\| ${kind} \\| (\\d+) \\| (\\d+) \\|`))?.slice(1).map(Number) ?? [];
    const planned = (kind: string) => sizeRow(kind)[0];
    const actual = (kind: string) => sizeRow(kind)[1]!;
    expect(postmortem).toContain("## Size of the change (PSP)");
    const base = await lineCountOfTree(path.join(example, "repository"));
    expect(actual("base")).toBe(base);

    // The plan is the manifest's estimatedLines: create entries estimate added lines, modify entries modified ones.
    const manifest = ((await loadExampleScenario("change-python")).data().agents.code as { files: Array<{ action?: string; estimatedLines: number }> }).files;
    const estimated = (action: string) => manifest.filter((entry) => (entry.action ?? "create") === action).reduce((sum, entry) => sum + entry.estimatedLines, 0);
    expect(estimated("create")).toBeGreaterThan(0);
    expect(estimated("modify")).toBeGreaterThan(0);
    expect(manifest.some((entry) => entry.action === "delete")).toBe(false);
    expect([planned("base"), planned("added"), planned("modified"), planned("deleted")]).toEqual([base, estimated("create"), estimated("modify"), 0]);
    expect(actual("added") + actual("modified")).toBe(insertions);
    expect(actual("deleted") + actual("modified")).toBe(deletions);
    expect(actual("modified")).toBeGreaterThan(0);
    expect(postmortem).toMatch(/\| wordcount\/counter\.py \| modify \| 20 \| \d+ \| \d+ \| 0 \|/);
    expect(postmortem).toMatch(/\| tests\/test_frequency\.py \| create \| 0 \| 31 \| 0 \| 0 \|/);
  }, 180_000);

  it("installs a repository's pinned requirements into the run's virtual environment, and its tests that import them pass", async () => {
    // The repository declares a real, small, pinned package from PyPI and has a test that imports it. The test
    // checks the pinned version, so a python that saw another copy (the machine's site-packages) would fail it.
    const folder = await mkdtemp(path.join(tmpdir(), "asp-e2e-change-install-"));
    temporaryFolders.push(folder);
    const dependencyTest = [
      "import unittest",
      "",
      "import six",
      "",
      "",
      "class InstalledDependencyTest(unittest.TestCase):",
      "    def test_the_pinned_package_is_importable(self):",
      '        self.assertEqual(six.__version__, "1.16.0")',
      '        self.assertEqual(six.ensure_str(b"words"), "words")',
      "",
    ].join("\n");
    const { repository } = await committedExample(folder, { "requirements.txt": "six==1.16.0\n", "tests/test_dependency.py": dependencyTest });
    const out = path.join(folder, "out");
    const result = await runCli([path.join(example, "task.yaml"), "--repo", repository, "--scenario", path.join(example, "scenario.yaml"), "--out", out], path.join(folder, "data"));
    expect(result.code, result.stderr.slice(-3000)).toBe(0);

    const report = JSON.parse(await readFile(path.join(out, "test-report.json"), "utf8")) as TestReport;
    // A virtual environment for the run, then pip from the repository's requirements.txt, with the network on.
    expect(report.install.steps.map((step) => [step.tool, step.dependencyFile])).toEqual([
      ["venv", "(virtual environment)"],
      ["pip", "requirements.txt"],
    ]);
    for (const step of report.install.steps) expect(step.ok, `${step.command}: ${step.message ?? ""}`).toBe(true);
    expect(report.install.steps[1]!.command).toMatch(/pip install .*-r requirements\.txt/);
    // The old tests, the new ones and the one that imports the package ran with no network, and passed.
    expect(report).toMatchObject({ verdict: "PASS", runner: "python-unittest", failed: 0, total: 12, passed: 12, sandbox: { network: "none" } });
    expect(report.output).toMatch(/test_the_pinned_package_is_importable .*\.\.\. ok/);
  }, 300_000);

  it("refuses a dirty working tree with a clear message, and writes nothing", async () => {
    const { folder, repository, head } = await exampleRepository();
    await writeFile(path.join(repository, "wordcount/counter.py"), "# work in progress\n", { flag: "a" });
    await writeFile(path.join(repository, "notes.txt"), "untracked\n");
    const statusBefore = await git(repository, "status", "--porcelain", "--untracked-files=all");
    const out = path.join(folder, "out");
    const data = path.join(folder, "data");
    const result = await runCli([path.join(example, "task.yaml"), "--repo", repository, "--scenario", path.join(example, "scenario.yaml"), "--out", out], data);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the repository ${repository} has uncommitted changes (2 in git status:`);
    expect(result.stderr).toContain("commit or stash them first; nothing was written");
    expect(existsSync(out)).toBe(false);
    expect(existsSync(data)).toBe(false);
    expect(await git(repository, "branch", "--list", "asp/*")).toBe("");
    expect((await git(repository, "rev-parse", "HEAD")).trim()).toBe(head);
    expect(await git(repository, "status", "--porcelain", "--untracked-files=all")).toBe(statusBefore);
  }, 60_000);
});
