import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { nuid } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStoredEvents } from "../../bus/events.ts";
import { startPipelineHarness } from "../e2e/support/pipeline-harness.ts";
import { spawnNode, spawnTypeScript } from "../support/processes.ts";

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const examplePlugin = path.join(repositoryRoot, "examples", "plugin-package");

let workspace: string;
let pluginFolder: string;

/**
 * The package as a stranger gets it: `npm pack` (its prepack builds the public API), then a plug-in
 * in its own folder outside the repository installs the tarball from there and nothing else of ours.
 */
beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), "asp-plugin-package-"));
  const packed = await run("npm", ["pack", "--pack-destination", workspace, "--silent"], { cwd: repositoryRoot, maxBuffer: 16 * 1024 * 1024 });
  const tarball = path.join(workspace, packed.stdout.trim().split("\n").at(-1)!);
  pluginFolder = path.join(workspace, "review-size");
  await cp(examplePlugin, pluginFolder, { recursive: true, filter: (source) => !source.includes("node_modules") });
  const manifest = JSON.parse(await readFile(path.join(pluginFolder, "package.json"), "utf8"));
  manifest.dependencies["agentic-software-process"] = `file:${tarball}`;
  await writeFile(path.join(pluginFolder, "package.json"), JSON.stringify(manifest, null, 2));
  // The registry's packages come from npm's cache when they are there; nothing runs install scripts.
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: pluginFolder, maxBuffer: 16 * 1024 * 1024 });
}, 300_000);

afterAll(async () => {
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

describe("a plug-in in its own folder, depending on the asp package", () => {
  it("type-checks against the package's exported types", async () => {
    const checked = await run("npx", ["tsc", "-p", "."], { cwd: pluginFolder }).then(() => "clean", (error: { stdout: string }) => error.stdout);
    expect(checked).toBe("clean");
  }, 120_000);

  it("runs its own unit tests on the package's in-memory runtime (the ./testing entry), with no NATS", async () => {
    const tested = await run("npm", ["test", "--silent"], { cwd: pluginFolder }).then(
      (result) => ({ code: 0, output: result.stdout + result.stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
    );
    expect(tested.output).toMatch(/# pass 2/);
    expect(tested).toMatchObject({ code: 0 });
  }, 60_000);

  it("reaches only the public API: a module the package does not export is refused", async () => {
    const probe = path.join(pluginFolder, "probe.mjs");
    await writeFile(probe, 'await import("agentic-software-process/bus/run-agent.ts");\n');
    const outcome = await run(process.execPath, [probe], { cwd: pluginFolder }).then(() => "imported", (error: { stderr: string }) => error.stderr);
    expect(outcome).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED");
    // And the exported entry runs on plain node, with no TypeScript loader.
    const exported = await run(process.execPath, ["--input-type=module", "-e", 'const api = await import("agentic-software-process"); console.log(typeof api.defineAgent, typeof api.runAgentProcess)'], { cwd: pluginFolder });
    expect(exported.stdout.trim()).toBe("function function");
  }, 60_000);

  it("answers the reviewer jobs of a real fleet, and its findings are about the files the job carried", async () => {
    await using harness = await startPipelineHarness({ scenario: "examples/hello-python/scenario.yaml", writers: 1 });
    // A limit of one line: every source file of more than one line gets a finding.
    await using plugin = spawnNode("review-size.mjs", { cwd: pluginFolder, env: { ...harness.env, REVIEW_SIZE_MAX_LINES: "1", ASP_LOG_LEVEL: "warn" } });
    await plugin.waitForLine(/asp-agent-ready agent=review-size/, 60_000);

    const out = path.join(harness.env.ASP_DATA_DIR!, "out", nuid.next());
    const pipeline = path.join(repositoryRoot, "tests/fixtures/pipelines/size-review.yaml");
    await using submit = spawnTypeScript("cli/main.ts", { args: ["submit", "examples/hello-python/task.yaml", "--pipeline", pipeline, "--json", "--out", out], env: harness.env });
    expect((await submit.exited).code).toBe(0);
    const summary = JSON.parse(submit.output().trim().split("\n").at(-1)!);
    expect(summary.status).toBe("passed");

    const review = (await harness.stageResult(summary.runId, "code-review", "code-review", 1)) as { reviewers: Array<{ reviewer: string; status: string; findings: number }> };
    const events = await readStoredEvents(harness.connection, harness.subjects, summary.runId);
    const verdict = events.find((event) => event.type === "gate.verdict" && event.data.stage === "code-review");
    const sizeFindings = (verdict?.data.findings as Array<{ reviewer: string; file?: string; severity: string }>).filter((finding) => finding.reviewer === "review-size");

    const projectFiles = (await readdir(path.join(out, "project"), { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile() && entry.name.endsWith(".py"));
    const longFiles: string[] = [];
    for (const entry of projectFiles) {
      const text = await readFile(path.join(entry.parentPath, entry.name), "utf8");
      if (text.replace(/\n$/, "").split("\n").length > 1) longFiles.push(path.relative(path.join(out, "project"), path.join(entry.parentPath, entry.name)));
    }
    expect(longFiles.length).toBeGreaterThan(0);
    expect(review.reviewers).toContainEqual({ reviewer: "review-size", status: "ok", findings: longFiles.length });
    expect(sizeFindings.map((finding) => finding.file).sort()).toEqual(longFiles.sort());
    // Low findings nudge; they do not fail the gate, so the run passed.
    expect(sizeFindings.every((finding) => finding.severity === "low")).toBe(true);
  }, 240_000);
});
