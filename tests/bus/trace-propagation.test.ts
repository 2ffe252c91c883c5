import { context, propagation, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { serializeError, ValidationError } from "../../errors/index.ts";
import { startJobSpan } from "../../bus/tracing/job-span.ts";
import { withSubmitSpan } from "../../bus/tracing/submit-span.ts";
import { extractTraceContext, injectTraceContext } from "../../bus/tracing/trace-headers.ts";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer("test");
const metadata = { runId: "run-1", jobId: "job-1", agent: "code", traceId: "run-1-run", attempt: 1 };

beforeAll(() => {
  // What start-tracing.ts registers in an agent process: the W3C propagator and an async context manager.
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  propagation.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

describe("trace context in NATS headers", () => {
  it("injects the current span as traceparent (and tracestate), and extracts it back, whatever the header's case", () => {
    const parent = tracer.startSpan("parent");
    const headers = context.with(trace.setSpan(context.active(), parent), () => injectTraceContext({ "Asp-Run-Id": "run-1" }));
    expect(headers["Asp-Run-Id"]).toBe("run-1");
    expect(headers.traceparent).toBe(`00-${parent.spanContext().traceId}-${parent.spanContext().spanId}-01`);
    const upperCased = { Traceparent: headers.traceparent!, Tracestate: "asp=1" };
    const extracted = trace.getSpanContext(extractTraceContext(upperCased));
    expect(extracted).toMatchObject({ traceId: parent.spanContext().traceId, spanId: parent.spanContext().spanId, isRemote: true });
    expect(extracted?.traceState?.get("asp")).toBe("1");
    parent.end();
  });

  it("injects nothing when no span is current, and a message without traceparent starts a new trace", () => {
    expect(injectTraceContext({})).toEqual({});
    const job = startJobSpan(tracer, { metadata, headers: {}, subject: "asp.jobs.code", instanceId: "code-1", isRun: false });
    job.end();
    expect(exporter.getFinishedSpans()[0]!.parentSpanContext).toBeUndefined();
  });

  it("makes the submit span the parent of the worker's job span, across the headers", async () => {
    const headers: Record<string, string> = {};
    await withSubmitSpan(tracer, { agent: "code", subject: "asp.jobs.code", runId: "run-1", jobId: "job-1" }, headers, async () => undefined);
    const job = startJobSpan(tracer, { metadata, headers, subject: "asp.jobs.code", instanceId: "code-1", isRun: false });
    job.completed();
    job.end();
    const [submit, processed] = exporter.getFinishedSpans();
    expect(submit!.name).toBe("send code");
    expect(processed!.name).toBe("process code");
    expect(processed!.spanContext().traceId).toBe(submit!.spanContext().traceId);
    expect(processed!.parentSpanContext?.spanId).toBe(submit!.spanContext().spanId);
    expect(processed!.attributes).toMatchObject({ "asp.span": "job", "asp.outcome": "completed", "messaging.system": "nats", "asp.job_id": "job-1" });
  });
});

describe("job span outcomes", () => {
  const failure = serializeError(new ValidationError("bad manifest"));

  it("a retried attempt is an exception event with its attempt, status ERROR; the redelivery is a second span saying so", () => {
    const first = startJobSpan(tracer, { metadata, headers: {}, subject: "asp.jobs.code", instanceId: "code-1", isRun: false });
    first.retrying(failure, 1000);
    first.end();
    const second = startJobSpan(tracer, { metadata: { ...metadata, attempt: 2 }, headers: {}, subject: "asp.jobs.code", instanceId: "code-2", isRun: false });
    second.completed();
    second.end();
    const [failed, redelivered] = exporter.getFinishedSpans();
    expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed!.events.map((event) => [event.name, event.attributes?.["asp.attempt"]])).toEqual([["exception", 1]]);
    expect(failed!.attributes).toMatchObject({ "asp.outcome": "retrying", "error.type": failure.code });
    expect(redelivered!.events.map((event) => event.name)).toEqual(["asp.job.redelivered"]);
    expect(redelivered!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("a dead letter ends the span with status ERROR and a dead_letter event", () => {
    const job = startJobSpan(tracer, { metadata: { ...metadata, attempt: 3 }, headers: {}, subject: "asp.jobs.code", instanceId: "code-1", isRun: false });
    job.deadLetter(failure, "failed on the last attempt (3 of 3)");
    job.end();
    job.end(); // ending twice is harmless: the runtime's finally and an outcome may both end it
    const [span] = exporter.getFinishedSpans();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(span!.status).toMatchObject({ code: SpanStatusCode.ERROR });
    expect(span!.events.map((event) => event.name)).toEqual(["asp.job.redelivered", "exception", "asp.job.dead_letter"]);
    expect(span!.attributes["asp.outcome"]).toBe("dead_letter");
  });

  it("names the orchestrator's job the run span", () => {
    const run = startJobSpan(tracer, { metadata: { ...metadata, agent: "orchestrator" }, headers: {}, subject: "asp.jobs.orchestrator", instanceId: "o-1", isRun: true });
    run.end();
    expect(exporter.getFinishedSpans()[0]).toMatchObject({ name: "run", attributes: expect.objectContaining({ "asp.span": "run", "asp.run_id": "run-1" }) });
  });
});
