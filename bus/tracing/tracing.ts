import { trace, type Tracer } from "@opentelemetry/api";

/** The instrumentation scope every asp span is created under. */
export const tracerScope = "asp";

/**
 * What a process holds of tracing: the tracer its spans come from, and the flush on the way out.
 * Off, the tracer is the API's own: until an SDK registers, it hands out non-recording spans, and
 * the API's propagator writes no headers, so the bus carries nothing new.
 */
export interface Tracing {
  enabled: boolean;
  tracer: Tracer;
  /** Exports what is buffered and stops; safe to call more than once. */
  shutdown(): Promise<void>;
}

/** The tracer of whatever provider is registered (none: the no-op one). The default of every tracer dependency. */
export function globalTracer(): Tracer {
  return trace.getTracer(tracerScope);
}

export const tracingOff: Tracing = Object.freeze({ enabled: false, tracer: globalTracer(), shutdown: async () => undefined });
