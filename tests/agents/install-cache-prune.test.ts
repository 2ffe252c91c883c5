import { existsSync } from "node:fs";
import { mkdir, mkdtemp, open, readdir, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fingerprint, pruneCache } from "../../agents/tester/install/cache.ts";
import { runProjectTests } from "../../agents/tester/run-project-tests.ts";
import { sharedTestCache, testRunDeps } from "./support/test-run-deps.ts";

// The Go test run compiles the testing package into the shared build cache the first time.
vi.setConfig({ testTimeout: 240_000 });

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** A file of `bytes` last used `daysAgo` days ago (access and modification time: the pruner reads the later). */
async function cached(file: string, bytes: number, daysAgo: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, Buffer.alloc(bytes));
  const when = new Date(Date.now() - daysAgo * 24 * 3600 * 1000);
  await utimes(file, when, when);
}

describe("pruning the shared download cache", () => {
  it("deletes the least recently used files first, and only until the cache fits its bound", async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), "asp-prune-"));
    folders.push(directory);
    await cached(path.join(directory, "pip", "wheelhouse", "oldest.whl"), 400, 30);
    await cached(path.join(directory, "npm", "older.tgz"), 400, 20);
    await cached(path.join(directory, "go-mod", "recent.zip"), 400, 2);
    await cached(path.join(directory, "cargo", "newest.crate"), 400, 0);

    const freed = await pruneCache({ directory, maxBytes: 1000 });

    expect(freed).toBe(800);
    expect(existsSync(path.join(directory, "pip", "wheelhouse", "oldest.whl"))).toBe(false);
    expect(existsSync(path.join(directory, "npm", "older.tgz"))).toBe(false);
    expect(existsSync(path.join(directory, "go-mod", "recent.zip"))).toBe(true);
    expect(existsSync(path.join(directory, "cargo", "newest.crate"))).toBe(true);
  });

  it("deletes nothing from a cache within its bound", async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), "asp-prune-"));
    folders.push(directory);
    await cached(path.join(directory, "pip", "a.whl"), 300, 30);
    await cached(path.join(directory, "npm", "b.tgz"), 300, 1);
    expect(await pruneCache({ directory, maxBytes: 600 })).toBe(0);
    expect((await readdir(directory, { recursive: true })).filter((name) => /\.(whl|tgz)$/.test(name))).toHaveLength(2);
  });

  it("prunes after a run that installs nothing but whose tests write the build cache (Go without requirements)", async () => {
    // The shared test cache, so Go's build cache is warm; the stale file is sparse and far larger than the rest
    // of the cache, with a bound just under its size: the pruner, oldest first, removes it and nothing else.
    const stale = path.join(sharedTestCache, "go-build", "asp-prune-test-stale");
    await mkdir(path.dirname(stale), { recursive: true });
    const size = 2 ** 40;
    const handle = await open(stale, "w");
    await handle.truncate(size);
    await handle.close();
    const longAgo = new Date("2001-01-01T00:00:00Z");
    await utimes(stale, longAgo, longAgo);
    folders.push(stale);
    const deps = testRunDeps({ timeoutMs: 180_000 });

    const report = await runProjectTests([
      { path: "go.mod", content: "module example.com/prune\n\ngo 1.21\n" },
      { path: "double.go", content: "package prune\n\n// Double doubles.\nfunc Double(n int) int { return 2 * n }\n" },
      { path: "double_test.go", content: "package prune\n\nimport \"testing\"\n\nfunc TestDouble(t *testing.T) {\n\tif Double(2) != 4 {\n\t\tt.Fatal(\"double\")\n\t}\n}\n" },
    ], { ...deps, install: { ...deps.install, cache: { directory: sharedTestCache, maxBytes: size - 1 } } });

    expect(report).toMatchObject({ verdict: "PASS", runner: "go-test", passed: 1 });
    expect(report.install.steps).toEqual([]);
    expect(existsSync(stale)).toBe(false);
    // The build cache the test step just used is newer than the stale file, so it stays.
    expect((await fingerprint(path.join(sharedTestCache, "go-build"))).files).toBeGreaterThan(0);
  });
});
