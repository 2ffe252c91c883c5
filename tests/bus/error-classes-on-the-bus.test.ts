import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonCodec } from "../../bus/codec.ts";
import { defineAgent } from "../../bus/define-agent.ts";
import { headerNames } from "../../bus/headers.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { runAgent } from "../../bus/run-agent.ts";
import { AspError, BudgetExceededError, ValidationError } from "../../errors/index.ts";
import { setupBus, type TestBus } from "../support/nats.ts";

const failureSchema = z.object({ throw: z.enum(["budget", "file_too_large", "manifest_invalid"]) });
type FailureRequest = z.infer<typeof failureSchema>;
const inputCodec = jsonCodec(failureSchema);
const outputCodec = jsonCodec(z.object({}));

/** An agent that only throws: each request names the error it should raise. */
const throwingAgent = defineAgent<FailureRequest, Record<string, never>, Record<string, never>>({
  name: "thrower",
  version: "1.0.0",
  description: "Throws the error a test asks for",
  input: failureSchema,
  output: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  async handle(input) {
    if (input.throw === "budget") throw new BudgetExceededError("the next call would pass $1.00", { details: { spentUsd: 0.98, limitUsd: 1 } });
    throw new ValidationError(`refused: ${input.throw}`, { code: input.throw });
  },
});

async function startThrower(bus: TestBus) {
  return runAgent(throwingAgent, {
    connection: bus.connection,
    subjects: bus.subjects,
    logger: bus.logger,
    deps: {},
    ackWaitMs: 2000,
    pullExpiresMs: 1000,
    maxDeliver: 1,
  });
}

describe("errors keep their class across the bus", () => {
  it("regression: an error that came back over the bus was rebuilt as a plain AspError, so instanceof BudgetExceededError failed", async () => {
    await using bus = await setupBus();
    const agent = await startThrower(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const failure = await client
      .request("thrower", { throw: "budget" }, { runId: "run-b", jobId: "budget-1", inputCodec, outputCodec, timeoutMs: 10_000 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BudgetExceededError);
    expect((failure as BudgetExceededError).code).toBe("budget_exceeded");
    expect((failure as BudgetExceededError).retryable).toBe(false);
    expect((failure as BudgetExceededError).details).toMatchObject({ spentUsd: 0.98, limitUsd: 1 });
    expect((failure as Error).message).toContain("the next call would pass $1.00");
    await agent.stop();
  });

  it("a validation error with its own code comes back as a ValidationError with that code", async () => {
    await using bus = await setupBus();
    const agent = await startThrower(bus);
    const client = createJobClient({ connection: bus.connection, subjects: bus.subjects });
    const failure = await client
      .request("thrower", { throw: "file_too_large" }, { runId: "run-v", jobId: "large-1", inputCodec, outputCodec, timeoutMs: 10_000 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as AspError).code).toBe("file_too_large");
    await agent.stop();
  });

  for (const code of ["file_too_large", "manifest_invalid"] as const) {
    it(`regression: a ValidationError with code ${code} was answered with service code 500, not 400`, async () => {
      await using bus = await setupBus();
      const agent = await startThrower(bus);
      const encoder = new TextEncoder();
      const reply = await bus.connection.request(bus.subjects.direct("thrower"), encoder.encode(JSON.stringify({ throw: code })), { timeout: 5000 });
      expect(reply.headers?.get("Nats-Service-Error-Code")).toBe("400");
      expect(reply.headers?.get(headerNames.errorCode)).toBe(code);
      await agent.stop();
    });
  }
});
