import { z } from "zod";
import { describe, expect, it } from "vitest";
import { jsonCodec } from "../../bus/codec.ts";
import { defineAgent } from "../../bus/define-agent.ts";
import { readStoredEvents } from "../../bus/events.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { runAgent } from "../../bus/run-agent.ts";
import type { AspError } from "../../errors/index.ts";
import { setupBus } from "../support/nats.ts";

const inputSchema = z.object({ emit: z.enum(["good", "unknown-type", "bad-data"]) });
const outputSchema = z.object({ ok: z.boolean() });

/** A handler that emits what its input says, as a plug-in written in plain JavaScript could (no compiler to stop it). */
const emitter = defineAgent({
  name: "emitter",
  version: "1.0.0",
  input: inputSchema,
  output: outputSchema,
  async handle(input, context) {
    const emit = context.emit as (type: string, data: unknown) => Promise<void>;
    if (input.emit === "unknown-type") await emit("tests.done", {});
    else if (input.emit === "bad-data") await emit("tests.finished", { verdict: "OK", passed: "one" });
    else await emit("x.emitter.note", { free: true });
    return { ok: true };
  },
});

describe("a handler that emits an event the catalogue refuses, on a real bus", () => {
  it("fails its job with the reason, stores no such event, and the worker answers the next job", async () => {
    await using bus = await setupBus();
    const agent = await runAgent(emitter, { connection: bus.connection, subjects: bus.subjects, logger: bus.logger, deps: {}, pullExpiresMs: 1000, maxDeliver: 2, backoffMs: [10] });
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const options = { inputCodec: jsonCodec(inputSchema), outputCodec: jsonCodec(outputSchema), timeoutMs: 15_000 };

    const unknown = await client.request("emitter", { emit: "unknown-type" }, { ...options, runId: "run-emit", jobId: "unknown" }).catch((error: AspError) => error);
    expect(unknown).toMatchObject({ code: "validation_failed" });
    expect((unknown as AspError).message).toContain('unknown event type "tests.done"');
    const badData = await client.request("emitter", { emit: "bad-data" }, { ...options, runId: "run-emit", jobId: "bad-data" }).catch((error: AspError) => error);
    expect((badData as AspError).message).toMatch(/event tests\.finished: data does not match its schema/);

    const good = await client.request("emitter", { emit: "good" }, { ...options, runId: "run-emit", jobId: "good" });
    expect(good.output.ok).toBe(true);
    const types = (await readStoredEvents(bus.connection, bus.subjects, "run-emit")).map((event) => event.type);
    expect(types).toContain("x.emitter.note");
    expect(types).not.toContain("tests.done");
    expect(types).not.toContain("tests.finished");
    expect(types.filter((type) => type === "job.dead_letter")).toHaveLength(2);
    await agent.stop();
  }, 60_000);
});
