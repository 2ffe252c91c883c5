import { existsSync } from "node:fs";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { AspEvent } from "../../schemas/event.ts";
import { changeExample, exampleRepository, git, treeOf } from "./support/example-repository.ts";
import { runAsp } from "./support/run-cli.ts";

const temporaryFolders: string[] = [];
afterAll(async () => {
  await Promise.all(temporaryFolders.map((folder) => rm(folder, { recursive: true, force: true })));
});

const task = path.join(changeExample, "task.yaml");
const scenario = path.join(changeExample, "scenario.yaml");
/** The files the example's manifest names; every other file of the repository must keep its blob. */
const named = new Set(["tests/test_frequency.py", "wordcount/__init__.py", "wordcount/counter.py"]);

describe("asp resume of a change request (asp run --repo)", () => {
  it("refuses a dirty tree, a moved HEAD and a moved repository without --repo, then commits the passing attempt on asp/<run id>", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "asp-e2e-resume-change-"));
    temporaryFolders.push(folder);
    const { repository, head } = await exampleRepository(folder);
    // No NATS_URL: a local run, whose store under ASP_DATA_DIR outlives it for the resumes.
    const local = { ASP_DATA_DIR: path.join(folder, "data") };
    const asp = (args: string[]) => runAsp(args, local, 120_000);

    // One writer and a budget that covers planning, design and its review but not a file: the run stops in code.
    const first = await asp(["run", task, "--repo", repository, "--scenario", scenario, "--budget", "0.03", "--writers", "1", "--json", "--out", path.join(folder, "first")]);
    expect(first.code, first.stderr.slice(-3000)).toBe(1);
    const stopped = JSON.parse(first.stdout) as { runId: string; reason: string; stages: Array<{ stage: string; status: string }> };
    expect(stopped.reason).toMatch(/^stopped at its budget/);
    expect(stopped.stages.find((record) => record.stage === "code")?.status).toBe("failed");
    expect(first.stderr).toContain(`the run did not pass: nothing was committed to ${repository}`);
    expect(await git(repository, "branch", "--list", "asp/*")).toBe("");
    const resume = (out: string, ...extra: string[]) => asp(["resume", stopped.runId, "--budget", "1", "--scenario", scenario, "--writers", "1", "--json", "--out", path.join(folder, out), ...extra]);

    // A dirty tree at resume time: refused before anything is resumed, and nothing is written.
    await writeFile(path.join(repository, "wordcount/counter.py"), "# work in progress\n", { flag: "a" });
    const dirty = await resume("dirty");
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toContain(`asp resume: the repository ${repository} has uncommitted changes (1 in git status:  M wordcount/counter.py)`);
    expect(dirty.stderr).toContain("nothing was written");
    expect(dirty.stderr).not.toContain("starting the fleet");
    expect(existsSync(path.join(folder, "dirty"))).toBe(false);
    expect(await git(repository, "branch", "--list", "asp/*")).toBe("");
    expect(await git(repository, "status", "--porcelain")).toBe(" M wordcount/counter.py\n");
    await git(repository, "checkout", "--", "wordcount/counter.py");

    // HEAD moved since the run started: the branch would leave the new commit out, so it is refused.
    await writeFile(path.join(repository, "CHANGELOG.md"), "a commit after the run started\n");
    await git(repository, "add", "CHANGELOG.md");
    await git(repository, "commit", "-q", "-m", "after the run");
    const moved = await resume("moved-head");
    expect(moved.code).toBe(2);
    expect(moved.stderr).toContain(`is at ${(await git(repository, "rev-parse", "HEAD")).trim().slice(0, 12)}, not at ${head.slice(0, 12)} where run ${stopped.runId} started`);
    expect(existsSync(path.join(folder, "moved-head"))).toBe(false);
    expect(await git(repository, "branch", "--list", "asp/*")).toBe("");
    await git(repository, "reset", "-q", "--hard", head);

    // The repository moved to another folder: the recorded path no longer holds it, and --repo says where it is.
    const relocated = path.join(folder, "wordcount-moved");
    await rename(repository, relocated);
    const lost = await resume("lost");
    expect(lost.code).toBe(2);
    expect(lost.stderr).toContain(`the repository ${repository} (where run ${stopped.runId} started; give --repo PATH if it moved) is not a git repository`);
    expect(existsSync(path.join(folder, "lost"))).toBe(false);

    const resumed = await resume("resumed", "--repo", relocated);
    expect(resumed.code, resumed.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { status: string; attempt: number; costByAttempt: Array<{ attempt: number }> };
    expect(summary.status).toBe("passed");
    // The refused resumes started no attempt: this is the second.
    expect(summary.attempt).toBe(2);
    expect(summary.costByAttempt.map((attempt) => attempt.attempt)).toEqual([1, 2]);
    const events = (await readFile(path.join(folder, "resumed", "events.ndjson"), "utf8")).trim().split("\n").map((line) => JSON.parse(line) as AspEvent);
    expect(events.filter((event) => event.type === "run.attempt_started").map((event) => event.data.attempt)).toEqual([2]);

    // One commit on asp/<run id>, on top of the commit the run started from, with the run id in its message.
    const branch = `asp/${stopped.runId}`;
    expect(resumed.stderr).toContain(`committed the change on branch ${branch}`);
    expect((await git(relocated, "branch", "--list", "asp/*")).trim()).toBe(branch);
    expect((await git(relocated, "rev-list", `${head}..${branch}`)).trim().split("\n")).toHaveLength(1);
    expect((await git(relocated, "rev-parse", `${branch}^`)).trim()).toBe(head);
    const message = await git(relocated, "log", "-1", "--format=%B", branch);
    expect(message).toContain(stopped.runId);
    expect(message).toContain("attempt 2");
    expect((await git(relocated, "diff", "--name-status", head, branch)).trim().split("\n").sort()).toEqual(["A\ttests/test_frequency.py", "M\twordcount/__init__.py", "M\twordcount/counter.py"]);
    const before = await treeOf(relocated, head);
    const after = await treeOf(relocated, branch);
    for (const [file, blob] of before) if (!named.has(file)) expect(after.get(file), file).toBe(blob);
    expect(await readFile(path.join(folder, "resumed", "project", "wordcount", "counter.py"), "utf8")).toBe(await git(relocated, "show", `${branch}:wordcount/counter.py`));

    // The user's branch, HEAD and working tree are as they were.
    expect((await git(relocated, "symbolic-ref", "--short", "HEAD")).trim()).toBe("main");
    expect((await git(relocated, "rev-parse", "HEAD")).trim()).toBe(head);
    expect(await git(relocated, "status", "--porcelain", "--untracked-files=all")).toBe("");
  }, 300_000);
});
