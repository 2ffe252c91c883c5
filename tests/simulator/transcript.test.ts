import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startModelSimulator, type TranscriptEntry } from "../../simulator/index.ts";
import { clientFor, fileRequest, structuredRequest, testApiKey } from "./simulator-client.ts";

let directory: string | undefined;
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe("transcript", () => {
  it("appends one JSON line per exchange, errors included, and never the api key", async () => {
    directory = await mkdtemp(join(tmpdir(), "simulator-transcript-"));
    const transcriptPath = join(directory, "transcript.jsonl");
    const scenario = {
      name: "transcript",
      agents: { planning: { units: [], summary: "s" } },
      files: { "src/a.py": "a = 1\n" },
      faults: { script: [{ kind: "overloaded" as const, file: "src/a.py" }] },
    };
    const simulator = await startModelSimulator({ scenario, transcriptPath, requireApiKey: testApiKey });
    const headers = { "x-asp-run": "run-7" };
    await clientFor(simulator, { ...headers, "x-asp-agent": "planning" }).messages.create(structuredRequest());
    await clientFor(simulator, { ...headers, "x-asp-file": "src/a.py", "x-asp-round": "1" }).messages.create(fileRequest()).catch(() => undefined);
    await clientFor(simulator, { ...headers, "x-asp-file": "src/a.py", "x-asp-round": "1" }).messages.stream(fileRequest()).finalMessage();
    await simulator.close();

    const text = await readFile(transcriptPath, "utf8");
    expect(text).not.toContain(testApiKey);
    const lines = text.trimEnd().split("\n").map((line) => JSON.parse(line) as TranscriptEntry);
    expect(lines).toEqual(simulator.transcript());
    expect(lines).toHaveLength(3);
    const [structured, failed, streamed] = lines as [TranscriptEntry, TranscriptEntry, TranscriptEntry];
    expect(structured).toMatchObject({ runId: "run-7", agent: "planning", file: null, round: 1, fault: null, status: 200 });
    expect(structured.request).toMatchObject({ model: "claude-sonnet-4-6", tool_choice: { name: "submit_plan" } });
    expect(structured.response).toMatchObject({ stop_reason: "tool_use", content: [{ type: "tool_use", input: { summary: "s" } }] });
    expect(structured.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(failed).toMatchObject({ file: "src/a.py", round: 1, fault: "overloaded", status: 529, error: { type: "overloaded_error" } });
    expect(failed.response).toBeUndefined();
    expect(streamed).toMatchObject({ streaming: true, status: 200, response: { content: [{ type: "text", text: "a = 1\n" }] } });
    for (const entry of lines) {
      expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
      expect(entry.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });
});
