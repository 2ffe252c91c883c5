import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ModelError } from "../../errors/asp-error.ts";
import { defaultModel } from "../../llm/config.ts";
import { structuredModeOf } from "../../llm/structured-output.ts";
import type { FaultKind } from "../../simulator/index.ts";
import { startSimulatedModel } from "./support/simulated-model.ts";

const planSchema = z.object({
  title: z.string(),
  units: z.array(z.object({ name: z.string(), size: z.number().int() })).min(1),
});
const plan = { title: "hello", units: [{ name: "parser", size: 3 }, { name: "printer", size: 2 }] };

const ask = { agent: "planning", schema: planSchema, toolName: "record_plan", system: "You plan software.", prompt: "Plan a hello world." };

const recoverableFaults: FaultKind[] = ["overloaded", "rate_limited", "server_error", "stream_error", "invalid_tool_input", "json_in_prose", "truncated", "slow"];

type Request = { tools?: unknown; tool_choice?: unknown; output_config?: { format?: { type: string; schema: Record<string, unknown> } }; messages: Array<{ role: string; content: unknown }> };

/** The default model refuses forced tool choice and gets the native format; Haiku 4.5 takes a forced tool. */
const models = [
  { model: defaultModel, mode: "native-json" },
  { model: "claude-haiku-4-5", mode: "forced-tool" },
] as const;

function withoutTitle(value: Record<string, unknown>): Record<string, unknown> {
  const { title: _title, ...rest } = value;
  return rest;
}

function expectShape(request: Request, mode: (typeof models)[number]["mode"]): void {
  if (mode === "forced-tool") {
    expect(request.tool_choice).toEqual({ type: "tool", name: "record_plan" });
    expect(request.output_config).toBeUndefined();
    return;
  }
  expect(request.tools).toBeUndefined();
  expect(request.tool_choice).toBeUndefined();
  expect(request.output_config?.format).toMatchObject({ type: "json_schema", schema: { type: "object", required: ["title", "units"], additionalProperties: false } });
}

describe("structured output over the simulator", () => {
  it("the two models take the two request shapes", () => {
    for (const { model, mode } of models) expect(structuredModeOf(model), model).toBe(mode);
  });

  for (const { model, mode } of models) {
    for (const streaming of [true, false]) {
      // The native format decodes against the schema (docs: structured outputs), so the simulator never sends
      // those two faults there; a reply that breaks the schema is covered by the re-ask test below.
      for (const kind of recoverableFaults.filter((fault) => mode === "forced-tool" || (fault !== "invalid_tool_input" && fault !== "json_in_prose"))) {
        it(`survives a ${kind} fault (${mode}, ${streaming ? "streaming" : "non-streaming"})`, async () => {
          await using simulated = await startSimulatedModel({
            streaming,
            env: { ASP_MODEL: model },
            scenario: { name: kind, agents: { planning: plan }, faults: { script: [{ kind, agent: "planning", times: 1 }], slowMs: 30 } },
          });
          const result = await simulated.client.structured(ask);
          expect(result.value).toEqual(plan);
          const entries = simulated.simulator.transcript();
          expect(entries[0]?.fault).toBe(kind);
          // One record per HTTP attempt, numbered in order, the same ones the client-wide listener saw.
          expect(result.calls.map((call) => call.attempt)).toEqual(entries.map((_, index) => index + 1));
          expect(simulated.records).toEqual(result.calls);
          expect(result.calls.at(-1)).toMatchObject({ ok: true, agent: "planning", purpose: "structured", streaming, model });
          for (const entry of entries) expectShape(entry.request as Request, mode);
        });
      }
    }

    it(`re-asks with the zod issues, the rejected reply sent back as it came (${mode})`, async () => {
      await using simulated = await startSimulatedModel({
        env: { ASP_MODEL: model },
        // Forced tools: the fault drops a required key. Native format: the scenario's first reply itself lacks one.
        scenario:
          mode === "forced-tool"
            ? { name: "invalid", agents: { planning: plan }, faults: { script: [{ kind: "invalid_tool_input", agent: "planning" }] } }
            : { name: "invalid", agents: { planning: [withoutTitle(plan), plan] } },
      });
      await simulated.client.structured(ask);
      const [first, second] = simulated.simulator.transcript();
      const messages = (second?.request as Request).messages;
      expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
      expect(messages[1]?.content).toEqual((first?.response as { content: unknown }).content);
      const feedback = JSON.stringify(messages[2]?.content);
      if (mode === "forced-tool") expect(feedback).toContain('"is_error":true');
      else expect(feedback).toContain("Your JSON answer is not valid");
      expect(feedback).toContain("title");
    });
  }

  it("fails with structured_output_invalid listing the issues once the validation budget is spent", async () => {
    await using model = await startSimulatedModel({
      env: { ASP_MODEL: "claude-haiku-4-5" },
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
