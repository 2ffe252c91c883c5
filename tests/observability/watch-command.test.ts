import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStoredEvents } from "../../bus/events.ts";
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

describe("asp watch (real process, not a TTY)", () => {
  it("shows a run that began before the watch did, follows it live and exits when it finishes", async () => {
    const runId = "run-watch-late";
    const { early, coding, finishing } = sampleRunEvents(runId);
    await publishEvents(bus, early);
    await using watch = spawnTypeScript("cli/main.ts", { args: ["watch", runId], env: bus.env });
    // Stages from before the watch started are replayed from the stream.
    await watch.waitForLine(/✓ planning round 1 in 2100 ms/, 30_000);
    await watch.waitForLine(/gate design-review: PASS/);
    await publishEvents(bus, coding);
    await watch.waitForLine(/writing test_wordcount\.py \(round 1\) on file-writer-bbbb2222/);
    await publishEvents(bus, finishing);
    const exit = await Promise.race([watch.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 20_000))]);
    expect(exit).toEqual({ code: 0, signal: null });
    const output = watch.output();
    expect(output).toMatch(/✓ design round 1 in 3200 ms — \$0\.0300 so far/);
    expect(output).toContain("wrote wordcount.py (812 bytes, round 1) on file-writer-aaaa1111");
    expect(output).toMatch(/run run-watch-late passed/);
    expect(output).toMatch(/totals: 6800 tokens \(in 4000, out 800, cache write 0, cache read 2000\), 4 model calls/);
    // Printed once each, in stream order.
    expect(output.indexOf("▶ planning")).toBeLessThan(output.indexOf("▶ code (round 1)"));
    expect(output.match(/▶ planning/g)).toHaveLength(1);
  });

  it("--json prints every event of the run as NDJSON", async () => {
    const runId = "run-watch-json";
    const { early, coding, finishing } = sampleRunEvents(runId);
    await publishEvents(bus, [...early, ...coding, ...finishing]);
    await using watch = spawnTypeScript("cli/main.ts", { args: ["watch", runId, "--json"], env: bus.env });
    expect(await watch.exited).toEqual({ code: 0, signal: null });
    const lines = watch.output().trim().split("\n").map((line) => JSON.parse(line));
    const stored = await readStoredEvents(bus.connection, bus.subjects, runId);
    expect(lines).toHaveLength(stored.length);
    expect(lines.map((event) => event.id)).toEqual(stored.map((event) => event.id));
    expect(lines.every((event) => event.runId === runId)).toBe(true);
  });

  it("refuses a run id that is not a subject token", async () => {
    await using watch = spawnTypeScript("cli/main.ts", { args: ["watch", "bad.id"], env: bus.env });
    expect((await watch.exited).code).toBe(2);
    expect(watch.output()).toContain('run id "bad.id" is not a valid subject token');
  });
});
