// @ts-check
// The plug-in's own unit test, on the package's in-memory runtime: no NATS, no fleet. `npm test`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createInMemoryRuntime } from "agentic-software-process/testing";
import { reviewSizeAgent } from "./review-size.mjs";

/** @param {Array<{ path: string, content: string }>} files */
function codeReviewJob(files) {
  return {
    gate: /** @type {const} */ ("code-review"),
    specialty: "size",
    task: { title: "Word counter", description: "Counts words", requirements: [] },
    files: files.map((file) => ({ ...file, type: "source" })),
    previousFindings: [],
  };
}

test("flags each source file longer than the limit, and only those", async () => {
  const runtime = createInMemoryRuntime();
  runtime.register(reviewSizeAgent, { maxLines: 2 });
  const reply = await runtime.run(reviewSizeAgent, codeReviewJob([
    { path: "app/long.py", content: "a = 1\nb = 2\nc = 3\n" },
    { path: "app/short.py", content: "a = 1\n" },
    { path: "README.md", content: "one\ntwo\nthree\nfour\n" },
  ]));
  assert.deepEqual(reply.findings.map((finding) => [finding.file, finding.severity]), [["app/long.py", "low"]]);
  assert.match(reply.summary, /^1 of 2 source file\(s\)/);
});

test("refuses a job that is not a reviewer job, before the handler runs", async () => {
  const runtime = createInMemoryRuntime();
  runtime.register(reviewSizeAgent, { maxLines: 2 });
  // @ts-expect-error: a job without a gate is what the test is about
  await assert.rejects(runtime.run(reviewSizeAgent, { files: [] }), /gate/);
});
