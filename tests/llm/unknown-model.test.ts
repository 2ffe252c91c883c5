import { describe, expect, it } from "vitest";
import { llmCallSchema } from "../../schemas/llm-call.ts";
import { startRecordedClient } from "./support/recorded-client.ts";
import { block } from "./support/recording-server.ts";

const written = { content: [block.text("x = 1\n")], stop_reason: "end_turn" as const };
const ask = { agent: "file-writer", file: "x.py", system: "s", prompt: "p" };
const warningsIn = (logs: Array<Record<string, unknown>>) => logs.filter((line) => String(line["msg"]).includes("not in llm/pricing.ts"));

describe("a model the tables do not know", () => {
  it("is warned about once per process, however many clients call it, and its costs are marked estimated", async () => {
    const model = `acme-local-${Math.random().toString(36).slice(2)}`;
    await using first = await startRecordedClient([written, written], { ASP_MODEL: model, ASP_LLM_STREAMING: "false" });
    await using second = await startRecordedClient([written], { ASP_MODEL: model, ASP_LLM_STREAMING: "false" });
    await first.client.text(ask);
    await first.client.text(ask);
    await second.client.text(ask);
    expect(warningsIn(first.logs)).toHaveLength(1);
    expect(warningsIn(first.logs)[0]).toMatchObject({ level: 40, model });
    expect(warningsIn(second.logs)).toHaveLength(0);
    const records = [...first.records, ...second.records];
    expect(records).toHaveLength(3);
    for (const record of records) {
      expect(record).toMatchObject({ ok: true, model, estimated: true });
      expect(record.costUsd).toBeGreaterThan(0);
      expect(llmCallSchema.parse(record)).toEqual(record);
    }
  });

  it("a known model's cost is exact: no warning, no estimated mark", async () => {
    await using recorded = await startRecordedClient([written], { ASP_MODEL: "claude-fable-5-2", ASP_LLM_STREAMING: "false" });
    await recorded.client.text(ask);
    expect(warningsIn(recorded.logs)).toHaveLength(0);
    expect(recorded.records[0]).not.toHaveProperty("estimated");
    // 20 input and 10 output tokens at Fable 5.2's $8 / $40 per million.
    expect(recorded.records[0]!.costUsd).toBeCloseTo((20 * 8 + 10 * 40) / 1e6, 12);
  });
});
