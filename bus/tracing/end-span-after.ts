import { context, SpanStatusCode, trace, type Span } from "@opentelemetry/api";

/**
 * Runs `work` with `span` as the current span, records a failure on it (an exception event and
 * status ERROR, then rethrows), and ends it either way: the one way a wrapping span closes.
 */
export async function endSpanAfter<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await context.with(trace.setSpan(context.active(), span), work);
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
