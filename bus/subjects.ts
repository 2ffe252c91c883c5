/**
 * The one subject scheme. Variable ids sit in fixed token positions so `*` filters work:
 *
 *   <ns>.jobs.<agent>                          JetStream work queue, one durable pull consumer per agent
 *   <ns>.results.<runId>.<agent>.<jobId>       JetStream: the durable result of one job (also its reply)
 *   <ns>.events.<runId>.<agent>.<event...>     JetStream: every lifecycle event of every run
 *   <ns>.direct.<agent>                        core NATS service endpoint: request/reply without the queue (`asp call`)
 *   <ns>.job-stats.<agent>                     core NATS service endpoint "jobs": one replica's work-queue counters
 *   <ns>.control.<runId>.<command>             core NATS: human gate decisions and run commands
 *   <ns>.job-taken.<runId>.<agent>.<jobId>     core NATS: a worker took the job (the caller's work timeout starts)
 *   <ns>.job-cancel.<runId>.<agent>.<jobId>    core NATS: the caller gave the job up (the worker aborts it)
 *
 * The namespace (default "asp") lets several fleets, or several test files, share one server.
 */
export interface Subjects {
  readonly namespace: string;
  readonly jobsStream: string;
  readonly resultsStream: string;
  readonly eventsStream: string;
  readonly runsBucket: string;
  readonly artifactsBucket: string;
  readonly historyBucket: string;
  /** KV: one key per model with the fleet's recent usage and its retry-after pause. */
  readonly rateLimitsBucket: string;
  job(agent: string): string;
  allJobs(): string;
  result(runId: string, agent: string, jobId: string): string;
  allResults(): string;
  event(runId: string, agent: string, event: string): string;
  runEvents(runId: string): string;
  /** One event type of one run, from every agent (e.g. every llm.call). */
  runEventsOfType(runId: string, event: string): string;
  allEvents(): string;
  direct(agent: string): string;
  /** The "jobs" service endpoint: its $SRV.STATS are the jobs this replica did from the work queue. */
  jobStats(agent: string): string;
  control(runId: string, command: string): string;
  jobTaken(runId: string, agent: string, jobId: string): string;
  jobCancel(runId: string, agent: string, jobId: string): string;
  /** Every cancellation addressed to one agent's jobs. */
  agentJobCancels(agent: string): string;
  consumerName(agent: string): string;
}

const tokenPattern = /^[A-Za-z0-9_-]+$/;

/** A subject token must not contain separators or wildcards, or filters would match the wrong messages. */
export function assertToken(value: string, what: string): string {
  if (!tokenPattern.test(value)) {
    throw new Error(`${what} "${value}" is not a valid subject token (letters, digits, '-' and '_' only)`);
  }
  return value;
}

/** Event names may be dotted (`llm.call`), each part a valid token. */
function assertEventName(value: string): string {
  for (const part of value.split(".")) assertToken(part, "event name part");
  return value;
}

export function createSubjects(namespace = "asp"): Subjects {
  assertToken(namespace, "namespace");
  const upper = namespace.toUpperCase().replace(/-/g, "_");
  return Object.freeze({
    namespace,
    jobsStream: `${upper}_JOBS`,
    resultsStream: `${upper}_RESULTS`,
    eventsStream: `${upper}_EVENTS`,
    runsBucket: `${namespace}-runs`,
    artifactsBucket: `${namespace}-artifacts`,
    historyBucket: `${namespace}-history`,
    rateLimitsBucket: `${namespace}-rate-limits`,
    job: (agent: string) => `${namespace}.jobs.${assertToken(agent, "agent")}`,
    allJobs: () => `${namespace}.jobs.>`,
    result: (runId: string, agent: string, jobId: string) =>
      `${namespace}.results.${assertToken(runId, "run id")}.${assertToken(agent, "agent")}.${assertToken(jobId, "job id")}`,
    allResults: () => `${namespace}.results.>`,
    event: (runId: string, agent: string, event: string) =>
      `${namespace}.events.${assertToken(runId, "run id")}.${assertToken(agent, "agent")}.${assertEventName(event)}`,
    runEvents: (runId: string) => `${namespace}.events.${assertToken(runId, "run id")}.>`,
    runEventsOfType: (runId: string, event: string) => `${namespace}.events.${assertToken(runId, "run id")}.*.${assertEventName(event)}`,
    allEvents: () => `${namespace}.events.>`,
    direct: (agent: string) => `${namespace}.direct.${assertToken(agent, "agent")}`,
    jobStats: (agent: string) => `${namespace}.job-stats.${assertToken(agent, "agent")}`,
    control: (runId: string, command: string) =>
      `${namespace}.control.${assertToken(runId, "run id")}.${assertToken(command, "command")}`,
    jobTaken: (runId: string, agent: string, jobId: string) =>
      `${namespace}.job-taken.${assertToken(runId, "run id")}.${assertToken(agent, "agent")}.${assertToken(jobId, "job id")}`,
    jobCancel: (runId: string, agent: string, jobId: string) =>
      `${namespace}.job-cancel.${assertToken(runId, "run id")}.${assertToken(agent, "agent")}.${assertToken(jobId, "job id")}`,
    agentJobCancels: (agent: string) => `${namespace}.job-cancel.*.${assertToken(agent, "agent")}.*`,
    consumerName: (agent: string) => assertToken(agent, "agent"),
  });
}
