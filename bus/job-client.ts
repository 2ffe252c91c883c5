import { nuid, type JetStreamManager, type Msg, type NatsConnection, type Subscription } from "nats";
import { cachedUntilFailure } from "./cached-until-failure.ts";
import { retryTransient } from "./transient-retry.ts";
import { publishRetries } from "./publish-retries.ts";
import type { Logger } from "pino";
import { BusError } from "../errors/index.ts";
import type { Codec } from "./codec.ts";
import { cancelJob, isJobCancellation } from "./job-cancellation.ts";
import { startJobDeadline, type DeadlineOutcome } from "./job-deadline.ts";
import { headerNames, headersToRecord, jobMetadataToHeaders, recordToHeaders } from "./headers.ts";
import { decodeResult, findStoredResult, type StoredResult } from "./job-results.ts";
import { createPayloadStore } from "./large-payload.ts";
import type { Subjects } from "./subjects.ts";
import type { Tracer } from "@opentelemetry/api";
import { withSubmitSpan } from "./tracing/submit-span.ts";
import { globalTracer } from "./tracing/tracing.ts";

/** The job's run and, optionally, its id (made up when absent); the agent is the call's first argument. */
export interface SubmitOptions<I> {
  runId: string;
  jobId?: string;
  taskId?: string;
  traceId?: string;
  inputCodec: Codec<I>;
  headers?: Record<string, string>;
}

export interface AwaitOptions<O> {
  runId: string;
  jobId: string;
  outputCodec: Codec<O>;
  /** How long the job may take: from the submit, or, with `queueTimeoutMs`, from when a worker takes it. */
  timeoutMs: number;
  /**
   * How long the job may wait in the queue before a worker takes it. Set, `timeoutMs` starts when a
   * worker takes the job (its "taken" signal), so queue time does not count against it.
   */
  queueTimeoutMs?: number;
  /** Aborting stops the wait; when the reason is a cancellation, the job is cancelled too (request only). */
  signal?: AbortSignal;
}

export interface RequestOptions<I, O> extends SubmitOptions<I> {
  outputCodec: Codec<O>;
  timeoutMs: number;
  queueTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface JobReply<O> {
  output: O;
  headers: Record<string, string>;
  jobId: string;
}

export interface JobClient {
  /** Publishes the job and waits for its result (or finds it already stored). */
  request<I, O>(agent: string, input: I, options: RequestOptions<I, O>): Promise<JobReply<O>>;
  /** Publishes only; returns the job id. Publishing the same job id twice within the dedupe window is a no-op. */
  submit<I>(agent: string, input: I, options: SubmitOptions<I>): Promise<{ jobId: string; duplicate: boolean; sequence: number }>;
  /**
   * Waits for a job's result: a stored one first, then a live one. It never cancels the job: only
   * the caller that published it (request) knows nobody else is waiting.
   */
  awaitResult<O>(agent: string, options: AwaitOptions<O>): Promise<JobReply<O>>;
}

/** How often a waiting caller also looks for a stored result it may have missed live. */
const storedResultPollMs = 2000;

function liveResult(message: Msg): StoredResult {
  return { data: message.data, headers: headersToRecord(message.headers) };
}

export function createJobClient(options: { connection: NatsConnection; subjects: Subjects; logger?: Logger; tracer?: Tracer }): JobClient {
  const { connection, subjects } = options;
  // The job's span context travels in its headers (traceparent); the API's no-op tracer when tracing is off.
  const tracer = options.tracer ?? globalTracer();
  const js = connection.jetstream();
  const payloads = createPayloadStore({ connection, subjects });
  const manager = cachedUntilFailure(() => connection.jetstreamManager());

  async function submit<I>(agent: string, input: I, submitOptions: SubmitOptions<I>) {
    const jobId = submitOptions.jobId ?? nuid.next();
    const encoded = submitOptions.inputCodec.encode(input);
    const payload = await payloads.toMessage(encoded, `${submitOptions.runId}/${jobId}/input`);
    const headerRecord: Record<string, string> = {
      ...(submitOptions.headers ?? {}),
      ...payload.headers,
      [headerNames.contentType]: submitOptions.inputCodec.contentType,
      ...jobMetadataToHeaders({
        runId: submitOptions.runId,
        jobId,
        agent,
        taskId: submitOptions.taskId,
        traceId: submitOptions.traceId ?? jobId,
        attempt: 1,
      }),
    };
    const subject = subjects.job(agent);
    try {
      // The job id is the Nats-Msg-Id: a publish repeated after a lost acknowledgement is de-duplicated.
      const acknowledgement = await withSubmitSpan(tracer, { agent, subject, runId: submitOptions.runId, jobId }, headerRecord, () => {
        const headers = recordToHeaders(headerRecord);
        return retryTransient(() => js.publish(subject, payload.data, { ...publishRetries, msgID: jobId, headers }));
      });
      options.logger?.debug({ agent, jobId, runId: submitOptions.runId, duplicate: acknowledgement.duplicate }, "job submitted");
      return { jobId, duplicate: acknowledgement.duplicate, sequence: acknowledgement.seq };
    } catch (error) {
      throw new BusError(`could not submit job ${jobId} to agent ${agent}: ${(error as Error).message}`, {
        cause: error,
        details: { agent, jobId },
      });
    }
  }

  /**
   * Subscribes before anything else so a result (or a "taken" signal) published in between cannot
   * be missed; the deadline's clocks start here too.
   */
  function watch(agent: string, awaitOptions: AwaitOptions<unknown>) {
    const { runId, jobId } = awaitOptions;
    const subscription: Subscription = connection.subscribe(subjects.result(runId, agent, jobId), { max: 1 });
    const first = (async (): Promise<Msg | undefined> => {
      for await (const message of subscription) return message;
      return undefined;
    })();
    const deadline = startJobDeadline(awaitOptions);
    const taken =
      awaitOptions.queueTimeoutMs === undefined
        ? undefined
        : connection.subscribe(subjects.jobTaken(runId, agent, jobId), { callback: (error) => error || deadline.taken() });
    const stop = () => {
      subscription.unsubscribe();
      taken?.unsubscribe();
      deadline.stop();
    };
    return { first, deadline, stop };
  }

  function deadlineError(outcome: DeadlineOutcome, where: string, address: { agent: string; runId: string; jobId: string }): unknown {
    if (outcome.kind === "aborted") return outcome.reason;
    const queued = outcome.kind === "queue-timeout";
    return new BusError(
      queued
        ? `no worker took ${where} (run ${address.runId}) within its queue timeout of ${outcome.timeoutMs} ms`
        : `no result from ${where} (run ${address.runId}) within ${outcome.timeoutMs} ms`,
      { code: queued ? "job_queue_timeout" : "job_timeout", details: { ...address } },
    );
  }

  async function wait<O>(
    agent: string,
    awaitOptions: AwaitOptions<O>,
    watched: ReturnType<typeof watch>,
    /** Publishes the job (request); absent when only waiting for one already submitted. */
    submitJob?: () => Promise<{ sequence: number }>,
  ): Promise<JobReply<O>> {
    const { runId, jobId } = awaitOptions;
    const where = `agent ${agent}, job ${jobId}`;
    const settled = new AbortController();
    try {
      awaitOptions.signal?.throwIfAborted();
      const jsm = await manager();
      // The look-up for a stored result and the submit go out together: one round trip, not two. When
      // the result is already stored (a resumed run) the job is a duplicate, which JetStream drops, or,
      // past the de-duplication window, a redelivery its agent answers from the stored result.
      const [lookup, submission] = await Promise.allSettled([findStoredResult(jsm, subjects, { runId, agent, jobId }), submitJob?.()]);
      let result: StoredResult | undefined = lookup.status === "fulfilled" ? lookup.value : undefined;
      if (!result) {
        // A failed look-up alone is no reason to give up: the job is submitted, and its result
        // arrives live or is found by the poll below. A failed submit is.
        if (submission.status === "rejected") throw submission.reason;
        // The live reply is core NATS: one published while this client was reconnecting (a server
        // restart) is gone, but the stored copy is not, so look it up now and then as well.
        const stored = pollStoredResult(jsm, { runId, agent, jobId }, settled.signal);
        const message = await Promise.race([watched.first.then((live) => live && liveResult(live)), stored, watched.deadline.expired]);
        if (!message || "kind" in message) {
          const outcome: DeadlineOutcome = message ?? { kind: "aborted", reason: new BusError(`the result subscription of ${where} ended`, { details: { agent, jobId, runId } }) };
          // The publisher gives the job up on a timeout, or when its own job was cancelled; not on a
          // hand-back (a drain), whose redelivery asks for the same job again.
          const givenUp = outcome.kind !== "aborted" || isJobCancellation(outcome.reason);
          if (submitJob && givenUp && submission.status === "fulfilled" && submission.value) {
            await cancelJob({ connection, subjects, manager, logger: options.logger }, { agent, runId, jobId, sequence: submission.value.sequence }, outcome.kind);
          }
          throw deadlineError(outcome, where, { agent, runId, jobId });
        }
        result = message;
      }
      const output = await decodeResult(result, awaitOptions.outputCodec, payloads, where);
      return { output, headers: result.headers, jobId };
    } finally {
      settled.abort();
      watched.stop();
    }
  }

  /**
   * Resolves with the stored result once it exists; never resolves once `stopped` is aborted, and
   * then clears its timer: a pending poll would otherwise hold a finished process (`asp run`) open
   * for up to its 2 s interval.
   */
  function pollStoredResult(jsm: JetStreamManager, address: { runId: string; agent: string; jobId: string }, stopped: AbortSignal): Promise<StoredResult> {
    return new Promise<StoredResult>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const pollLater = () => {
        timer = setTimeout(() => {
          void findStoredResult(jsm, subjects, address)
            .catch(() => undefined)
            .then((found) => {
              if (stopped.aborted) return;
              if (found) resolve(found);
              else pollLater();
            });
        }, storedResultPollMs);
      };
      stopped.addEventListener("abort", () => clearTimeout(timer), { once: true });
      pollLater();
    });
  }

  return {
    submit,
    awaitResult(agent, awaitOptions) {
      return wait(agent, awaitOptions, watch(agent, awaitOptions as AwaitOptions<unknown>));
    },
    async request(agent, input, requestOptions) {
      const jobId = requestOptions.jobId ?? nuid.next();
      const awaitOptions: AwaitOptions<unknown> = {
        runId: requestOptions.runId,
        jobId,
        outputCodec: requestOptions.outputCodec,
        timeoutMs: requestOptions.timeoutMs,
        ...(requestOptions.queueTimeoutMs !== undefined ? { queueTimeoutMs: requestOptions.queueTimeoutMs } : {}),
        ...(requestOptions.signal ? { signal: requestOptions.signal } : {}),
      };
      const watched = watch(agent, awaitOptions);
      return wait(agent, { ...awaitOptions, outputCodec: requestOptions.outputCodec }, watched, () => submit(agent, input, { ...requestOptions, jobId }));
    },
  };
}
