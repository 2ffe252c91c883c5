import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { replayEvents } from "../../bus/events.ts";
import { startPipelineHarness } from "../e2e/support/pipeline-harness.ts";

describe("the API key", () => {
  it("appears in no agent's log line and no event of a whole run", async () => {
    const apiKey = `sk-ant-test-${Math.random().toString(36).slice(2)}-SECRET`;
    // The key is real configuration here: agents send it to the (local) API as the real SDK does.
    await using harness = await startPipelineHarness({ scenario: "examples/hello-python/scenario.yaml", writers: 2, env: { ANTHROPIC_API_KEY: apiKey, ASP_LOG_LEVEL: "debug" } });
    const outcome = await harness.run({ title: "Text statistics module", description: "A small Python package.", requirements: [] });
    expect(outcome.summary.status).toBe("passed");

    const raw: string[] = [];
    const replay = await replayEvents({ connection: harness.connection, subjects: harness.subjects, onEvent: (event) => void raw.push(JSON.stringify(event)) });
    await replay.done;
    expect(raw.length).toBeGreaterThan(20);
    expect(raw.join("\n")).not.toContain(apiKey);

    const logDirectory = path.join(harness.env.ASP_DATA_DIR!, "logs");
    const logs = await Promise.all((await readdir(logDirectory)).map((name) => readFile(path.join(logDirectory, name), "utf8")));
    expect(logs.length).toBeGreaterThanOrEqual(12);
    expect(logs.join("\n").length).toBeGreaterThan(1000);
    expect(logs.join("\n")).not.toContain(apiKey);
    expect(JSON.stringify(harness.simulator.transcript())).not.toContain(apiKey);
  }, 180_000);
});
