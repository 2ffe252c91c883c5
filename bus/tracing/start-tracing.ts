import { namedExports } from "../commonjs-exports.ts";
import type { TracingConfig } from "./tracing-config.ts";
import { tracerScope, tracingOff, type Tracing } from "./tracing.ts";

export interface StartTracingOptions {
  /** service.instance.id: which replica of an agent a span came from. */
  instanceId?: string;
  serviceVersion?: string;
}

/**
 * Starts the OpenTelemetry SDK for this process when the config says so. The SDK, the exporter and the
 * semantic conventions are imported here and only here, after the check, so a process with tracing off
 * never loads them (tests/observability/tracing-off.test.ts holds it to that).
 */
export async function startTracing(config: TracingConfig, options: StartTracingOptions = {}): Promise<Tracing> {
  if (!config.enabled) return tracingOff;
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, resources, conventions, exporter] = await Promise.all([
    namedExports(import("@opentelemetry/sdk-trace-node")),
    namedExports(import("@opentelemetry/sdk-trace-base")),
    namedExports(import("@opentelemetry/resources")),
    namedExports(import("@opentelemetry/semantic-conventions")),
    config.protocol === "http/json" ? namedExports(import("@opentelemetry/exporter-trace-otlp-http")) : namedExports(import("@opentelemetry/exporter-trace-otlp-proto")),
  ]);
  const resource = resources
    .defaultResource()
    // OTEL_RESOURCE_ATTRIBUTES (deployment.environment, host names a platform adds) before our own names.
    .merge(resources.detectResources({ detectors: [resources.envDetector] }))
    .merge(
      resources.resourceFromAttributes({
        [conventions.ATTR_SERVICE_NAME]: config.serviceName,
        ...(options.serviceVersion ? { [conventions.ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
        // service.instance.id is still in the incubating set; written by name to keep that entry point unloaded.
        ...(options.instanceId ? { "service.instance.id": options.instanceId } : {}),
      }),
    );
  const spanExporter = new exporter.OTLPTraceExporter({ url: config.tracesUrl, headers: { ...config.headers } });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(spanExporter)] });
  // Registers the provider, the AsyncLocalStorage context manager (a job's span stays current across its
  // handler's awaits) and the W3C traceparent/tracestate propagator with the API.
  provider.register();
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    tracer: provider.getTracer(tracerScope, options.serviceVersion),
    shutdown: () => (stopped ??= provider.shutdown()),
  };
}
