import { context, propagation, ROOT_CONTEXT, type Context, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api";
import { headerValue } from "../headers.ts";

/** W3C Trace Context header names, as the propagator writes them. */
export const traceHeaderNames = { traceparent: "traceparent", tracestate: "tracestate" } as const;

const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

// NATS keeps header names as written, and a foreign publisher may capitalise them: look them up without case.
const recordGetter: TextMapGetter<Record<string, string>> = {
  get: (carrier, key) => headerValue(carrier, key),
  keys: (carrier) => Object.keys(carrier),
};

/**
 * Writes the current trace context (traceparent, tracestate) into a header record. With no SDK registered
 * the API's propagator is a no-op and the record is left as it was.
 */
export function injectTraceContext(headers: Record<string, string>, from: Context = context.active()): Record<string, string> {
  propagation.inject(from, headers, recordSetter);
  return headers;
}

/** The trace context a message's headers carry, as a parent for the span that handles it (none: a root). */
export function extractTraceContext(headers: Record<string, string>, into: Context = ROOT_CONTEXT): Context {
  return propagation.extract(into, headers, recordGetter);
}
