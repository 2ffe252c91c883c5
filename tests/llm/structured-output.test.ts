import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ModelError } from "../../errors/asp-error.ts";
import type { FaultKind } from "../../simulator/index.ts";
import { startSimulatedModel } from "./support/simulated-model.ts";

const planSchema = z.object({
  title: z.string(),
  units: z.array(z.object({ name: z.string(), size: z.number().int() })).min(1),
});
const plan = { title: "hello", units: [{ name: "parser", size: 3 }, { name: "printer", size: 2 }] };

const ask = { agent: "planning", schema: planSchema, toolName: "record_plan", system: "You plan software.", prompt: "Plan a hello world." };

const recoverableFaults: FaultKind[] = ["overloaded", "rate_limited", "server_error", "stream_error", "invalid_tool_input", "json_in_prose", "truncated", "slow"];

describe("structured output over the simulator", () => {
  for (const streaming of [true, false]) {
    for (const kind of recoverableFaults) {
      it(`survives a ${kind} fault (${streaming ? "streaming" : "non-streaming"})`, async () => {
        await using model = await startSimulatedModel({
          streaming,
          scenario: { name: kind, agents: { planning: plan }, faults: { script: [{ kind, agent: "planning", times: 1 }], slowMs: 30 } },
        });
        const result = await model.client.structured(ask);
        expect(result.value).toEqual(plan);
        const entries = model.simulator.transcript();
        expect(entries[0]?.fault).toBe(kind);
        // One record per HTTP attempt, numbered in order, the same ones the client-wide listener saw.
        expect(result.calls.map((call) => call.attempt)).toEqual(entries.map((_, index) => index + 1));
        expect(model.records).toEqual(result.calls);
        expect(result.calls.at(-1)).toMatchObject({ ok: true, agent: "planning", purpose: "structured", streaming });
        const last = entries.at(-1)?.request as { tool_choice?: unknown };
        expect(last.tool_choice).toEqual({ type: "tool", name: "record_plan" });
      });
    }
  }

  it("re-asks with the zod issues as an is_error tool_result", async () => {
    await using model = await startSimulatedModel({
      scenario: { name: "invalid", agents: { planning: plan }, faults: { script: [{ kind: "invalid_tool_input", agent: "planning" }] } },
    });
    await model.client.structured(ask);
    const second = model.simulator.transcript()[1]?.request as { messages: Array<{ role: string; content: unknown }> };
    expect(second.messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
    const feedback = JSON.stringify(second.messages[2]?.content);
    expect(feedback).toContain('"is_error":true');
    expect(feedback).toContain("title");
  });

  it("fails with structured_output_invalid listing the issues once the validation budget is spent", async () => {
    await using model = await startSimulatedModel({
      scenario: { name: "always-invalid", agents: { planning: plan }, faults: { script: [{ kind: "invalid_tool_input", agent: "planning", times: 5 }] } },
    });
    const failure = await model.client.structured({ ...ask, maxValidationAttempts: 2 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelError);
    expect(failure).toMatchObject({ code: "structured_output_invalid", retryable: false });
    expect((failure as Error).message).toMatch(/title: Invalid input/);
    expect(model.simulator.transcript()).toHaveLength(2);
  });

  it("fails with a retryable ModelError once the HTTP retry budget is spent", async () => {
    await using model = await startSimulatedModel({
      maxAttempts: 3,
      scenario: { name: "overloaded", agents: { planning: plan }, faults: { script: [{ kind: "overloaded", agent: "planning", times: 10 }] } },
    });
    const failure = await model.client.structured(ask).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: "ModelError", code: "model_overloaded", retryable: true });
    expect(model.simulator.transcript()).toHaveLength(3);
    expect(model.records.map((record) => [record.attempt, record.ok, record.errorCode])).toEqual([
      [1, false, "overloaded"],
      [2, false, "overloaded"],
      [3, false, "overloaded"],
    ]);
    // Backoff between attempts, capped by ASP_LLM_RETRY_MAX_MS.
    expect(model.sleeps).toHaveLength(2);
    for (const delay of model.sleeps) expect(delay).toBeLessThanOrEqual(5);
  });

  it("does not retry a request the API rejects as invalid", async () => {
    await using model = await startSimulatedModel({ scenario: { name: "no-entry", agents: { other: plan } } });
    const failure = await model.client.structured(ask).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: "ModelError", code: "model_bad_request", retryable: false });
    expect(model.simulator.transcript()).toHaveLength(1);
  });

  it("rejects a schema that is not an object before any request", async () => {
    await using model = await startSimulatedModel({ scenario: { name: "x", agents: { planning: plan } } });
    await expect(model.client.structured({ ...ask, schema: z.array(z.string()) })).rejects.toMatchObject({ name: "ValidationError" });
    expect(model.simulator.transcript()).toHaveLength(0);
  });
});
