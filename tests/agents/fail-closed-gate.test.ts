import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defaultReviewerTimeouts, readAgentConfig } from "../../agents/shared/agent-config.ts";
import type { AgentDeps } from "../../agents/shared/agent-deps.ts";
import { reviewAtGate } from "../../agents/shared/gate-review.ts";
import type { JobContext } from "../../bus/define-agent.ts";
import { createJobClient } from "../../bus/job-client.ts";
import { AspError, ConfigError } from "../../errors/index.ts";
import { setupBus, type TestBus } from "../support/nats.ts";

/** The context a gate's stage job would have, on a real bus, with only what reviewAtGate uses. */
function gateContext(bus: TestBus, deps: Partial<AgentDeps>, emitted: string[]): JobContext<AgentDeps> {
  return {
    runId: "run-ghost",
    traceId: "trace-ghost",
    jobId: "code-review-r1",
    agent: "code-review",
    attempt: 1,
    instanceId: "test",
    headers: {},
    deps: { jobs: createJobClient({ connection: bus.connection, subjects: bus.subjects }), subjects: bus.subjects, ...deps } as AgentDeps,
    logger: pino({ level: "silent" }),
    clock: { now: () => new Date() } as unknown as JobContext<AgentDeps>["clock"],
    signal: new AbortController().signal,
    emit: async (type) => void emitted.push(type),
    working: () => undefined,
  };
}

const gateOptions = {
  gate: "code-review" as const,
  reviewers: ["review-ghost"],
  job: { gate: "code-review" as const, task: { title: "t", description: "d", requirements: [] }, files: [] },
  automated: [],
  previousReview: undefined,
  verdictOf: () => "PASS",
  describe: "in the code",
};

describe("fail-closed gates", () => {
  it("regression: a gate that listed a reviewer nobody runs sat waiting (300 s hard-coded) instead of failing closed, naming the reviewer", async () => {
    await using bus = await setupBus();
    const emitted: string[] = [];
    const context = gateContext(bus, { reviewerTimeouts: { queueMs: 500, answerMs: 600_000 } }, emitted);
    const started = Date.now();
    const failure = await reviewAtGate(context, gateOptions).catch((error: unknown) => error);
    const elapsed = Date.now() - started;
    expect(failure).toBeInstanceOf(AspError);
    expect((failure as AspError).code).toBe("reviewer_failed");
    // retryable: the stage is redelivered (decision 1122), and the run errors when the deliveries run out
    expect((failure as AspError).retryable).toBe(true);
    expect((failure as AspError).details.reviewers).toEqual(["review-ghost"]);
    expect((failure as Error).message).toContain("review-ghost");
    expect((failure as Error).message).toContain("no worker took");
    expect(emitted).toContain("review.reviewer_failed");
    // the queue timeout, not the answer time, decides: a missing reviewer is known in about 500 ms
    expect(elapsed).toBeLessThan(10_000);
  }, 20_000);

  it("the reviewer timeouts are read once from the environment, with defaults, and a bad value names its variable", () => {
    expect(readAgentConfig({}).reviewerTimeouts).toEqual(defaultReviewerTimeouts);
    expect(readAgentConfig({ ASP_REVIEWER_QUEUE_TIMEOUT_MS: "2000", ASP_REVIEWER_TIMEOUT_MS: "90000" }).reviewerTimeouts).toEqual({ queueMs: 2000, answerMs: 90_000 });
    expect(() => readAgentConfig({ ASP_REVIEWER_TIMEOUT_MS: "5m" })).toThrow(ConfigError);
    expect(() => readAgentConfig({ ASP_REVIEWER_QUEUE_TIMEOUT_MS: "-1" })).toThrow(/ASP_REVIEWER_QUEUE_TIMEOUT_MS/);
  });
});
