/** Why a caller stopped waiting for a job's result. */
export type DeadlineOutcome =
  | { kind: "work-timeout"; timeoutMs: number }
  | { kind: "queue-timeout"; timeoutMs: number }
  | { kind: "aborted"; reason: unknown };

export interface DeadlineOptions {
  /** How long the job may take. Counted from the submit, or from when a worker takes it when `queueTimeoutMs` is set. */
  timeoutMs: number;
  /** How long the job may wait in the queue before a worker takes it; unset, the queue time counts against `timeoutMs`. */
  queueTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface JobDeadline {
  /** Resolves once, with the first reason to stop waiting; never rejects. */
  expired: Promise<DeadlineOutcome>;
  /** A worker took the job (its "taken" signal): the work clock starts, or starts again on a redelivery. */
  taken(): void;
  stop(): void;
}

/**
 * The clocks of one wait for a result. With a queue timeout the per-job timeout starts when a worker
 * takes the job, so time spent queued behind other jobs does not count against it (decision 1083);
 * until then the queue timeout bounds the wait.
 */
export function startJobDeadline(options: DeadlineOptions): JobDeadline {
  let timer: NodeJS.Timeout | undefined;
  let finish: (outcome: DeadlineOutcome) => void = () => undefined;
  let finished = false;
  const expired = new Promise<DeadlineOutcome>((resolve) => {
    finish = (outcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
  });
  const onAbort = () => finish({ kind: "aborted", reason: options.signal!.reason });
  const arm = (milliseconds: number, outcome: DeadlineOutcome) => {
    clearTimeout(timer);
    timer = setTimeout(() => finish(outcome), milliseconds);
  };
  const work = () => arm(options.timeoutMs, { kind: "work-timeout", timeoutMs: options.timeoutMs });

  if (options.signal?.aborted) onAbort();
  else {
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.queueTimeoutMs === undefined) work();
    else arm(options.queueTimeoutMs, { kind: "queue-timeout", timeoutMs: options.queueTimeoutMs });
  }
  return {
    expired,
    taken() {
      if (!finished && options.queueTimeoutMs !== undefined) work();
    },
    stop() {
      finish({ kind: "aborted", reason: undefined });
    },
  };
}
