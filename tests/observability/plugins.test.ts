import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonCodec } from "../../bus/codec.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { readStoredEvents } from "../../bus/events.ts";
import { reviewerJobSchema, type ReviewerJob } from "../../schemas/reviewer-job.ts";
import { reviewerReplySchema } from "../../schemas/review.ts";
import { setupBus, type TestBus } from "../support/nats.ts";
import { spawnTypeScript } from "../support/processes.ts";
import { publishEvents, sampleRunEvents } from "./support/sample-run.ts";

let bus: TestBus;
beforeAll(async () => {
  bus = await setupBus();
});
afterAll(async () => {
  await bus?.[Symbol.asyncDispose]();
});

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const readLines = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line)) : []);

describe("plug-in observer: examples/plugins/event-logger.ts", () => {
  it("appends every event of a run to its file, once each, across a restart", async () => {
    const runId = "run-logged";
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "asp-event-logger-")), "events.ndjson");
    const { early, coding, finishing } = sampleRunEvents(runId);
    await publishEvents(bus, early);
    const args = [file, "--run", runId];
    {
      await using logger = spawnTypeScript("examples/plugins/event-logger.ts", { args, env: bus.env });
      await logger.waitForLine(/event-logger ready/, 30_000);
      await waitFor(() => readLines(file).length === early.length, 15_000, "the early events");
      await logger.kill("SIGTERM");
    }
    // Published while no logger runs: the durable consumer keeps its place.
    await publishEvents(bus, [...coding, ...finishing]);
    await using logger = spawnTypeScript("examples/plugins/event-logger.ts", { args, env: bus.env });
    await logger.waitForLine(/event-logger ready/, 30_000);
    const stored = await readStoredEvents(bus.connection, bus.subjects, runId);
    await waitFor(() => readLines(file).length >= stored.length, 15_000, "every event");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const logged = readLines(file);
    expect(logged).toHaveLength(stored.length);
    expect(logged.map((event) => event.id)).toEqual(stored.map((event) => event.id));
  });
});

describe("plug-in reviewer: examples/plugins/license-check.ts", () => {
  const task = { title: "Word counter", description: "Count words in a file", requirements: [] };
  const job = (files: Array<{ path: string; content: string }>): ReviewerJob => ({
    gate: "code-review",
    specialty: "license",
    task,
    files: files.map((file) => ({ ...file, type: file.path.startsWith("test_") ? "test" : "source" })),
    previousFindings: [],
  });
  const source = "def count(text):\n    return len(text.split())\n";

  it("runs as its own process and answers reviewer jobs: FAIL findings without licence, none with it", async () => {
    await using reviewer = spawnTypeScript("examples/plugins/license-check.ts", { env: { ...bus.env, ASP_LOG_LEVEL: "warn" } });
    await reviewer.waitForLine(/asp-agent-ready agent=review-license/, 30_000);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const ask = (input: ReviewerJob, jobId: string) =>
      client.request("review-license", input, { runId: "run-license", jobId, inputCodec: jsonCodec(reviewerJobSchema), outputCodec: jsonCodec(reviewerReplySchema), timeoutMs: 20_000 });

    const unlicensed = await ask(job([{ path: "wordcount.py", content: source }, { path: "test_wordcount.py", content: `from wordcount import count\n` }, { path: "README.md", content: "# hi\n" }]), "j-unlicensed");
    expect(unlicensed.output.findings.map((finding) => [finding.file, finding.severity, finding.category])).toEqual([
      ["wordcount.py", "high", "licensing"],
      ["test_wordcount.py", "high", "licensing"],
    ]);

    const withHeaders = await ask(job([{ path: "wordcount.py", content: `# SPDX-License-Identifier: MIT\n${source}` }, { path: "README.md", content: "# hi\n" }]), "j-headers");
    expect(withHeaders.output.findings).toEqual([]);
    const withLicenseFile = await ask(job([{ path: "wordcount.py", content: source }, { path: "LICENSE", content: "MIT License\n" }]), "j-license-file");
    expect(withLicenseFile.output.findings).toEqual([]);
    expect(withLicenseFile.output.summary).toContain("licensed by LICENSE");
  });
});
