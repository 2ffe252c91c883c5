/**
 * Run in a child process by tests/observability/tracing-off.test.ts: loads the bus runtime and the model
 * layer the way an agent process does, starts tracing from the environment, makes a job span and injects
 * its context, then reports what happened and which OpenTelemetry packages got loaded.
 */
import { createRequire } from "node:module";
import { context, trace } from "@opentelemetry/api";
import "../../../bus/index.ts";
import "../../../llm/index.ts";
import { startJobSpan } from "../../../bus/tracing/job-span.ts";
import { startTracing } from "../../../bus/tracing/start-tracing.ts";
import { injectTraceContext } from "../../../bus/tracing/trace-headers.ts";
import { readTracingConfig } from "../../../bus/tracing/tracing-config.ts";

const tracing = await startTracing(readTracingConfig(process.env, "asp-probe"));
const job = startJobSpan(tracing.tracer, {
  metadata: { runId: "run-1", jobId: "job-1", agent: "probe", traceId: "job-1", attempt: 1 },
  headers: {},
  subject: "asp.jobs.probe",
  instanceId: "probe-1",
  isRun: false,
});
const headers = context.with(trace.setSpan(context.active(), job.span), () => injectTraceContext({}));
const recording = job.span.isRecording();
job.end();
// Nothing listens in the positive control: a failed last export is expected there.
await tracing.shutdown().catch(() => undefined);
const loaded = Object.keys(createRequire(import.meta.url).cache)
  .map((file) => file.match(/node_modules\/(@opentelemetry\/[^/]+)\//)?.[1])
  .filter((name): name is string => name !== undefined);
process.stdout.write(`${JSON.stringify({ enabled: tracing.enabled, recording, headers, loaded: [...new Set(loaded)].sort() })}\n`);
