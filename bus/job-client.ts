import { nuid, type JetStreamManager, type Msg, type NatsConnection, type Subscription } from "nats";
import { cachedUntilFailure } from "./cached-until-failure.ts";
import { retryTransient } from "./transient-retry.ts";
import { publishRetries } from "./publish-retries.ts";
import type { Logger } from "pino";
import { BusError } from "../errors/index.ts";
import type { Codec } from "./codec.ts";
import { headerNames, headersToRecord, jobMetadataToHeaders, recordToHeaders } from "./headers.ts";
import { decodeResult, findStoredResult, type StoredResult } from "./job-results.ts";
import { createPayloadStore } from "./large-payload.ts";
import type { Subjects } from "./subjects.ts";

export interface JobAddress {
  runId: string;
  jobId?: string;
  taskId?: string;
  traceId?: string;
}

export interface SubmitOptions<I> extends JobAddress {
  inputCodec: Codec<I>;
  headers?: Record<string, string>;
}

export interface AwaitOptions<O> {
  runId: string;
  jobId: string;
  outputCodec: Codec<O>;
  timeoutMs: number;
}

export interface RequestOptions<I, O> extends SubmitOptions<I> {
  outputCodec: Codec<O>;
  timeoutMs: number;
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
  submit<I>(agent: string, input: I, options: SubmitOptions<I>): Promise<{ jobId: string; duplicate: boolean }>;
  /** Waits for a job's result: a stored one first, then a live one. */
  awaitResult<O>(agent: string, options: AwaitOptions<O>): Promise<JobReply<O>>;
}

/** How often a waiting caller also looks for a stored result it may have missed live. */
const storedResultPollMs = 2000;

function liveResult(message: Msg): StoredResult {
  return { data: message.data, headers: headersToRecord(message.headers) };
}

export function createJobClient(options: { connection: NatsConnection; subjects: Subjects; logger?: Logger }): JobClient {
  const { connection, subjects } = options;
  const js = connection.jetstream();
  const payloads = createPayloadStore({ connection, subjects });
  const manager = cachedUntilFailure(() => connection.jetstreamManager());

  async function submit<I>(agent: string, input: I, submitOptions: SubmitOptions<I>) {
    const jobId = submitOptions.jobId ?? nuid.next();
    const encoded = submitOptions.inputCodec.encode(input);
    const payload = await payloads.toMessage(encoded, `${submitOptions.runId}/${jobId}/input`);
    const headers = recordToHeaders({
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
    });
    try {
      // The job id is the Nats-Msg-Id: a publish repeated after a lost acknowledgement is de-duplicated.
      const acknowledgement = await retryTransient(() => js.publish(subjects.job(agent), payload.data, { ...publishRetries, msgID: jobId, headers }));
      options.logger?.debug({ agent, jobId, runId: submitOptions.runId, duplicate: acknowledgement.duplicate }, "job submitted");
      return { jobId, duplicate: acknowledgement.duplicate };
    } catch (error) {
      throw new BusError(`could not submit job ${jobId} to agent ${agent}: ${(error as Error).message}`, {
        cause: error,
        details: { agent, jobId },
      });
    }
  }

  /** Subscribes before anything else so a result published in between cannot be missed. */
  function watch(agent: string, runId: string, jobId: string) {
    const subscription: Subscription = connection.subscribe(subjects.result(runId, agent, jobId), { max: 1 });
    const first = (async (): Promise<Msg | undefined> => {
      for await (const message of subscription) return message;
      return undefined;
    })();
    return { subscription, first };
  }

  async function wait<O>(
    agent: string,
    awaitOptions: AwaitOptions<O>,
    watched: ReturnType<typeof watch>,
    /** Publishes the job (request); absent when only waiting for one already submitted. */
    submitJob?: () => Promise<void>,
  ): Promise<JobReply<O>> {
    const { runId, jobId } = awaitOptions;
    const where = `agent ${agent}, job ${jobId}`;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    try {
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
        const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), awaitOptions.timeoutMs)));
        // The live reply is core NATS: one published while this client was reconnecting (a server
        // restart) is gone, but the stored copy is not, so look it up now and then as well.
        const stored = pollStoredResult(jsm, { runId, agent, jobId }, () => settled);
        const message = await Promise.race([watched.first.then((live) => live && liveResult(live)), stored, timeout]);
        if (!message) {
          throw new BusError(`no result from ${where} (run ${runId}) within ${awaitOptions.timeoutMs} ms`, {
            code: "job_timeout",
            details: { agent, jobId, runId },
          });
        }
        result = message;
      }
      const output = await decodeResult(result, awaitOptions.outputCodec, payloads, where);
      return { output, headers: result.headers, jobId };
    } finally {
      settled = true;
      clearTimeout(timer);
      watched.subscription.unsubscribe();
    }
  }

  /** Resolves with the stored result once it exists; never resolves after `done()` turns true. */
  async function pollStoredResult(jsm: JetStreamManager, address: { runId: string; agent: string; jobId: string }, done: () => boolean): Promise<StoredResult> {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, storedResultPollMs));
      if (done()) return new Promise<StoredResult>(() => undefined);
      const found = await findStoredResult(jsm, subjects, address).catch(() => undefined);
      if (found) return found;
    }
  }

  return {
    submit,
    awaitResult(agent, awaitOptions) {
      return wait(agent, awaitOptions, watch(agent, awaitOptions.runId, awaitOptions.jobId));
    },
    async request(agent, input, requestOptions) {
      const jobId = requestOptions.jobId ?? nuid.next();
      const watched = watch(agent, requestOptions.runId, jobId);
      const awaitOptions = { runId: requestOptions.runId, jobId, outputCodec: requestOptions.outputCodec, timeoutMs: requestOptions.timeoutMs };
      return wait(agent, awaitOptions, watched, async () => {
        await submit(agent, input, { ...requestOptions, jobId });
      });
    },
  };
}
