import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "pino";
import { ValidationError } from "../errors/index.ts";
import type { Clock } from "./clock.ts";
import type { Codec, EncodedPayload } from "./codec.ts";
import type { AgentDefinition, JobContext } from "./define-agent.ts";
import type { EventPublisher } from "./events.ts";
import type { JobMetadata } from "./headers.ts";
import { jobEvent } from "./job-events.ts";
import type { PayloadStore } from "./large-payload.ts";

export interface ExecutionEnvironment<I, O, D> {
  definition: AgentDefinition<I, O, D>;
  inputCodec: Codec<I>;
  outputCodec: Codec<O>;
  payloads: PayloadStore;
  events: EventPublisher;
  logger: Logger;
  clock: Clock;
  instanceId: string;
  deps: D;
  /** Where job spans come from (bus/tracing/); the API's global (no-op until an SDK registers) when absent. */
  tracer?: Tracer;
}

export type ExecutionOutcome =
  | { ok: true; encoded: EncodedPayload; durationMs: number }
  | { ok: false; stage: "decode" | "handle" | "encode"; error: unknown; durationMs: number };

export interface ExecutionRequest {
  metadata: JobMetadata;
  data: Uint8Array;
  headers: Record<string, string>;
  signal: AbortSignal;
  working(): void;
  logger: Logger;
}

/**
 * Decode, handle, encode: the part shared by the JetStream job path and the direct service
 * endpoint. It never throws; every failure comes back as an outcome naming its stage.
 */
export async function executeJob<I, O, D>(
  environment: ExecutionEnvironment<I, O, D>,
  request: ExecutionRequest,
): Promise<ExecutionOutcome> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let input: I;
  try {
    const body = await environment.payloads.fromMessage(request.data, request.headers);
    input = environment.inputCodec.decode(body, request.headers);
  } catch (error) {
    return { ok: false, stage: "decode", error, durationMs: elapsed() };
  }
  const { metadata } = request;
  // Every event the job emits is stored before its result, whether or not the handler awaited it.
  const emitted: Array<Promise<void>> = [];
  const context: JobContext<D> = {
    ...metadata,
    instanceId: environment.instanceId,
    headers: request.headers,
    deps: environment.deps,
    logger: request.logger,
    clock: environment.clock,
    signal: request.signal,
    working: request.working,
    emit: (type, data) => {
      const published = environment.events.publish(jobEvent(metadata, type, data)).then(() => undefined);
      // A handler may leave it unawaited: it is awaited below, before the result, and must never
      // become an unhandled rejection in between. A handler that awaits it still sees the failure.
      published.catch(() => undefined);
      emitted.push(published);
      return published;
    },
  };
  let output: O;
  try {
    output = await environment.definition.handle(input, context);
    const unrecorded = (await Promise.allSettled(emitted)).find((settled) => settled.status === "rejected");
    // A result whose events were lost would leave the run's record (the postmortem's figures) short: retry the job.
    if (unrecorded) throw unrecorded.reason;
  } catch (error) {
    await Promise.allSettled(emitted);
    return { ok: false, stage: "handle", error, durationMs: elapsed() };
  }
  try {
    const encoded = environment.outputCodec.encode(output);
    return { ok: true, encoded, durationMs: elapsed() };
  } catch (error) {
    const wrapped = error instanceof ValidationError ? error : new ValidationError(String(error), { cause: error });
    return { ok: false, stage: "encode", error: wrapped, durationMs: elapsed() };
  }
}
