import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { headersToRecord } from "../../bus/headers.ts";
import { findStoredResult } from "../../bus/job-results.ts";
import { storedMessages } from "../../bus/stored-messages.ts";
import type { Postmortem } from "../../schemas/postmortem.ts";
import { loadExampleScenario } from "../e2e/support/example-scenarios.ts";
import { eventsOfType, startPipelineHarness, type RunOutcome } from "../e2e/support/pipeline-harness.ts";
import { ancestorsOf, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./support/otlp-receiver.ts";

// One whole run across a fleet of processes on a shared machine, then every process drains and exports.
vi.setConfig({ testTimeout: 240_000 });

let receiver: OtlpReceiver;
let outcome: RunOutcome;
let spans: ReceivedSpan[];
let byId: Map<string, ReceivedSpan>;
/** traceparent of every stored llm.call event of the run, and of the code stage's stored result. */
let llmCallEventParents: Array<string | undefined>;
let codeResultParent: string | undefined;

const kind = (span: ReceivedSpan) => span.attributes["asp.span"];
const spansOfKind = (name: string) => spans.filter((span) => kind(span) === name);
const sum = (list: ReceivedSpan[], attribute: string) => list.reduce((total, span) => total + Number(span.attributes[attribute] ?? 0), 0);

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const example = await loadExampleScenario("hello-python");
  const harness = await startPipelineHarness({
    scenario: example.data(),
    writers: 2,
    env: {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesUrl,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
      // Export often while the run goes; the drain at the end exports the rest.
      OTEL_BSP_SCHEDULE_DELAY: "500",
    },
  });
  try {
    outcome = await harness.run(example.task);
    const jsm = await harness.connection.jetstreamManager();
    const runId = outcome.summary.runId;
    llmCallEventParents = [];
    for await (const message of storedMessages(jsm, harness.subjects.eventsStream, harness.subjects.runEventsOfType(runId, "llm.call"))) {
      llmCallEventParents.push(headersToRecord(message.header).traceparent);
    }
    const codeResult = await findStoredResult(jsm, harness.subjects, { runId, agent: "code", jobId: `${runId}-code-r1` });
    codeResultParent = codeResult?.headers.traceparent;
  } finally {
    // Every agent process drains on SIGTERM and flushes its spans before it exits.
    await harness[Symbol.asyncDispose]();
  }
  spans = receiver.spans;
  byId = new Map(spans.map((span) => [span.spanId, span]));
}, 240_000);

afterAll(async () => {
  await receiver?.[Symbol.asyncDispose]();
});

describe("a run of hello-python across separate agent processes, traced over OTLP/HTTP", () => {
  it("arrives as one trace, from every agent's own service", () => {
    expect(outcome.summary.status).toBe("passed");
    const runSpans = spansOfKind("run");
    expect(runSpans).toHaveLength(1);
    const traceIds = new Set(spans.map((span) => span.traceId));
    expect([...traceIds]).toEqual([runSpans[0]!.traceId]);
    expect(runSpans[0]!.attributes["asp.run_id"]).toBe(outcome.summary.runId);
    const services = new Set(spans.map((span) => span.service));
    for (const agent of ["orchestrator", "planning", "design", "code", "file-writer", "code-review", "test", "postmortem"]) expect(services).toContain(`asp-${agent}`);
  });

  it("has every stage span under the run span, and every stage's job under its stage span", () => {
    const run = spansOfKind("run")[0]!;
    const stages = spansOfKind("stage");
    expect(stages.map((span) => span.attributes["asp.stage"])).toEqual(expect.arrayContaining(["planning", "design", "design-review", "code", "code-review", "test", "postmortem"]));
    for (const stage of stages) expect(ancestorsOf(stage, byId)).toContain(run);
    for (const job of spansOfKind("job").filter((span) => span.attributes["asp.agent"] !== "file-writer" && !String(span.attributes["asp.agent"]).startsWith("review-"))) {
      const stage = ancestorsOf(job, byId).find((span) => kind(span) === "stage");
      expect(stage?.attributes["asp.agent"], `job ${job.attributes["asp.job_id"]}`).toBe(job.attributes["asp.agent"]);
    }
  });

  it("has every file job span under the code stage span", () => {
    const fileJobs = spansOfKind("job").filter((span) => span.attributes["asp.agent"] === "file-writer");
    expect(fileJobs.length).toBeGreaterThanOrEqual(eventsOfType(outcome.events, "file.written").length);
    for (const fileJob of fileJobs) {
      const stage = ancestorsOf(fileJob, byId).find((span) => kind(span) === "stage");
      expect(stage?.attributes["asp.stage"]).toBe("code");
    }
  });

  it("gives every model call the GenAI attributes, under the job that made it", () => {
    const calls = spansOfKind("model_call");
    expect(calls.length).toBeGreaterThan(5);
    for (const call of calls) {
      expect(call.name).toBe(`chat ${call.attributes["gen_ai.request.model"]}`);
      expect(call.kind).toBe(3); // CLIENT
      expect(call.attributes).toMatchObject({ "gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic" });
      for (const attribute of ["gen_ai.request.model", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_creation.input_tokens", "asp.cost_usd"]) {
        expect(call.attributes[attribute], `${attribute} of ${call.name}`).toBeDefined();
      }
      // A reviewer's calls name its specialty and target ("review-security:design"); its job is the reviewer agent's.
      const job = ancestorsOf(call, byId).find((span) => kind(span) === "job");
      expect(job?.attributes["asp.agent"]).toBe(String(call.attributes["asp.agent"]).split(":")[0]);
    }
  });

  it("sums tokens and cost over the model spans to the llm.call events' totals and the postmortem's figures", () => {
    const calls = spansOfKind("model_call");
    const events = eventsOfType(outcome.events, "llm.call");
    const eventSum = (field: string, list = events) => list.reduce((total, event) => total + Number(event.data[field] ?? 0), 0);
    // gen_ai.usage.input_tokens counts cached tokens too (the convention); Anthropic's input_tokens does not.
    expect(sum(calls, "gen_ai.usage.input_tokens")).toBe(eventSum("inputTokens") + eventSum("cacheReadTokens") + eventSum("cacheWriteTokens"));
    expect(sum(calls, "asp.usage.uncached_input_tokens")).toBe(eventSum("inputTokens"));
    expect(sum(calls, "gen_ai.usage.output_tokens")).toBe(eventSum("outputTokens"));
    expect(sum(calls, "gen_ai.usage.cache_read.input_tokens")).toBe(eventSum("cacheReadTokens"));
    expect(sum(calls, "gen_ai.usage.cache_creation.input_tokens")).toBe(eventSum("cacheWriteTokens"));
    expect(sum(calls, "asp.cost_usd")).toBeCloseTo(eventSum("costUsd"), 9);

    // The postmortem's own proposal call comes after its figures, so it is not in them.
    const postmortem = outcome.state.outputs.postmortem as Postmortem;
    const counted = calls.filter((call) => call.attributes["asp.agent"] !== "postmortem");
    expect(sum(counted, "asp.usage.uncached_input_tokens")).toBe(postmortem.totals.inputTokens);
    expect(sum(counted, "gen_ai.usage.output_tokens")).toBe(postmortem.totals.outputTokens);
    expect(sum(counted, "gen_ai.usage.cache_read.input_tokens")).toBe(postmortem.totals.cacheReadTokens);
    expect(sum(counted, "gen_ai.usage.cache_creation.input_tokens")).toBe(postmortem.totals.cacheWriteTokens);
    expect(postmortem.totals.costUsd).toBeGreaterThan(0);
    expect(sum(counted, "asp.cost_usd")).toBeCloseTo(postmortem.totals.costUsd, 9);
  });

  it("carries traceparent in the headers of events and results: each llm.call event names its model call's span", () => {
    const traceId = spansOfKind("run")[0]!.traceId;
    const modelCallIds = new Set(spansOfKind("model_call").map((span) => span.spanId));
    expect(llmCallEventParents.length).toBe(eventsOfType(outcome.events, "llm.call").length);
    for (const traceparent of llmCallEventParents) {
      const [, eventTraceId, parentSpanId] = traceparent?.split("-") ?? [];
      expect(eventTraceId).toBe(traceId);
      expect(modelCallIds.has(parentSpanId!)).toBe(true);
    }
    // The code stage's result carries the code job span's context.
    const [, resultTraceId, resultSpanId] = codeResultParent?.split("-") ?? [];
    expect(resultTraceId).toBe(traceId);
    expect(byId.get(resultSpanId!)?.attributes).toMatchObject({ "asp.span": "job", "asp.agent": "code" });
  });

  it("shows each failed model attempt as an exception event on its model call span, numbered by attempt", () => {
    const failedAttempts = eventsOfType(outcome.events, "llm.call").filter((event) => event.data.ok === false).length;
    const exceptionEvents = spansOfKind("model_call").flatMap((call) => call.events.filter((event) => event.name === "exception"));
    expect(exceptionEvents).toHaveLength(failedAttempts);
    for (const event of exceptionEvents) expect(event.attributes["asp.attempt"]).toBeGreaterThan(0);
  });
});
