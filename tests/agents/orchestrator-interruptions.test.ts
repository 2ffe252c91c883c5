import { NatsError } from "nats";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { JobContext } from "../../bus/define-agent.ts";
import type { JobClient } from "../../bus/job-client.ts";
import { orchestratorAgent, type OrchestratorDeps } from "../../agents/orchestrator/agent.ts";
import { loadPipeline } from "../../agents/orchestrator/pipeline-loader.ts";
import type { RunStore } from "../../agents/shared/run-store.ts";
import { AspError, BudgetExceededError, BusError, isRetryable } from "../../errors/index.ts";
import { eventSchema } from "../../schemas/event.ts";
import type { RunRequest, RunState, RunSummary } from "../../schemas/run.ts";
import { checkEmittedData } from "../../schemas/events/index.ts";
import { eventData } from "../support/event-fixtures.ts";

const request: RunRequest = { runId: "interrupted", task: { title: "t", description: "d", requirements: [] }, pipeline: "default" };

function memoryRunStore(): RunStore & { saved: Map<string, RunState> } {
  const saved = new Map<string, RunState>();
  return {
    saved,
    async get(runId) {
      return saved.get(runId);
    },
    async put(state) {
      saved.set(state.runId, structuredClone(state));
    },
    async list() {
      return [...saved.values()];
    },
  };
}

const passingOutput = (agent: string) => (agent === "test" ? { verdict: "PASS" } : agent.endsWith("review") ? { verdict: "PASS", findings: [] } : { ok: true });

/** A job client whose answers a test scripts per stage; every request is recorded by job id. */
function scriptedJobs(answer: (agent: string, jobId: string) => Record<string, unknown>): JobClient & { requested: string[] } {
  const requested: string[] = [];
  const client = {
    requested,
    async request(agent: string, _input: unknown, options: { jobId?: string }) {
      requested.push(options.jobId!);
      return { output: answer(agent, options.jobId!), headers: {}, jobId: options.jobId! };
    },
  };
  return client as unknown as JobClient & { requested: string[] };
}

function contextFor(deps: Pick<OrchestratorDeps, "runs" | "jobs">, attempt: number, seams: Partial<Pick<OrchestratorDeps, "readRunEvents">> & Partial<Pick<JobContext<OrchestratorDeps>, "emit">> = {}): JobContext<OrchestratorDeps> {
  return {
    runId: request.runId,
    traceId: "trace",
    jobId: `run-${request.runId}`,
    agent: "orchestrator",
    attempt,
    instanceId: "test",
    headers: {},
    deps: {
      ...deps,
      loadPipeline,
      readRunEvents: seams.readRunEvents ?? (async () => []),
      awaitGateDecision: async () => undefined,
    } as unknown as OrchestratorDeps,
    logger: pino({ level: "silent" }),
    clock: { now: () => Date.now() },
    signal: new AbortController().signal,
    emit: seams.emit ?? (async () => undefined),
    working: () => undefined,
  };
}

const handle = (context: JobContext<OrchestratorDeps>) => orchestratorAgent.handle(request, context) as Promise<RunSummary>;

describe("the orchestrator when its own bus fails mid-stage", () => {
  it("hands the run back for redelivery instead of failing the stage, then resumes it under the same job id", async () => {
    const runs = memoryRunStore();
    let designCalls = 0;
    const jobs = scriptedJobs((agent) => {
      if (agent === "design" && ++designCalls === 1) throw new NatsError("TIMEOUT", "TIMEOUT");
      return passingOutput(agent);
    });

    const interrupted = await handle(contextFor({ runs, jobs }, 1)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(interrupted).toBeInstanceOf(BusError);
    expect(isRetryable(interrupted)).toBe(true);
    expect((interrupted as Error).message).toMatch(/interrupted in stage design.*TIMEOUT/);
    const saved = runs.saved.get(request.runId)!;
    expect(saved.status).toBe("running");
    expect(saved.history.at(-1)).toMatchObject({ stage: "design", status: "running" });

    const summary = await handle(contextFor({ runs, jobs }, 2));
    expect(summary.status).toBe("passed");
    const designJobs = jobs.requested.filter((jobId) => /^interrupted-design-r\d+$/.test(jobId));
    expect(designJobs).toEqual([`${request.runId}-design-r1`, `${request.runId}-design-r1`]);
    expect(summary.stages.filter((stage) => stage.stage === "design").map((stage) => stage.status)).toEqual(["completed"]);
  });

  // Each of these is the stage's own answer or a request that can never succeed: the stage fails, no redelivery.
  it.each([
    { why: "the agent itself answered with an error", stage: "design", error: () => new AspError("agent design, job x: the model refused", { code: "model_failed", retryable: true }), reason: /stage design failed: .*the model refused/ },
    { why: "the stage does not answer in its time", stage: "planning", error: () => new BusError("no result from agent planning within 10 ms", { code: "job_timeout" }), reason: /stage planning failed: no result/ },
    { why: "the agent's answer carries the bus_failed code (its bus, not this process's)", stage: "design", error: () => new AspError("agent design, job x: could not publish event", { code: "bus_failed", retryable: true }), reason: /stage design failed: .*could not publish event/ },
    { why: "the request can never succeed (a permissions violation)", stage: "design", error: () => new NatsError('Permissions Violation for Publish to "asp.jobs.design"', "PERMISSIONS_VIOLATION"), reason: /stage design failed: Permissions Violation/ },
  ])("fails the stage when $why", async ({ stage, error, reason }) => {
    const runs = memoryRunStore();
    const jobs = scriptedJobs((agent) => {
      if (agent === stage) throw error();
      return passingOutput(agent);
    });
    const summary = await handle(contextFor({ runs, jobs }, 1));
    expect(summary.status).toBe("error");
    expect(summary.reason).toMatch(reason);
  });

  it("fails the stage on the run job's last delivery rather than handing it back once more", async () => {
    const runs = memoryRunStore();
    const jobs = scriptedJobs((agent) => {
      if (agent === "design") throw new NatsError("TIMEOUT", "TIMEOUT");
      return passingOutput(agent);
    });
    await expect(handle(contextFor({ runs, jobs }, 19))).rejects.toBeInstanceOf(BusError);
    const summary = await handle(contextFor({ runs, jobs }, 20));
    expect(summary.status).toBe("error");
    expect(summary.reason).toMatch(/stage design failed: TIMEOUT/);
  });
});

describe("the orchestrator when a run reaches its budget", () => {
  it("regression: asp watch printed 'budget exceeded at $NaN' because run.budget_exceeded carried no spentUsd", async () => {
    const runs = memoryRunStore();
    const jobs = scriptedJobs((agent) => {
      if (agent === "design") throw new BudgetExceededError("the run's budget of $0.0500 would be exceeded");
      return passingOutput(agent);
    });
    const call = (costUsd: number) => eventSchema.parse({ id: `call-${costUsd}`, runId: request.runId, agent: "planning", type: "llm.call", time: "2025-01-01T10:00:00.000Z", data: eventData("llm.call", { costUsd }) });
    const emitted: Array<{ type: string; data: Record<string, unknown> }> = [];
    const context = contextFor({ runs, jobs }, 1, {
      readRunEvents: async () => [call(0.03), call(0.0125)],
      // Held to the catalogue as the real runtime holds it: an emit with data its schema refuses fails the test.
      emit: async (type: string, data: Record<string, unknown> = {}) => {
        emitted.push({ type, data: checkEmittedData(type, data) });
      },
    });
    const summary = await handle(context);
    expect(summary.reason).toMatch(/^stopped at its budget/);
    const stop = emitted.find((event) => event.type === "run.budget_exceeded");
    expect(stop?.data.spentUsd).toBeCloseTo(0.0425, 10);
    expect(stop?.data).toMatchObject({ stage: "design", round: 1 });
  });
});
