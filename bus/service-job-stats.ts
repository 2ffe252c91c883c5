import type { JobStatsSnapshot } from "./job-stats.ts";

/** The counters of one endpoint in a `$SRV.STATS` reply, as the NATS micro protocol names them. */
interface EndpointCounters {
  num_requests: number;
  num_errors: number;
  /** Nanoseconds, as the protocol has it. */
  processing_time: number;
  average_processing_time: number;
}

const nanosecondsPerMillisecond = 1_000_000;

/**
 * Jobs come through the JetStream work queue, not through a service endpoint, so NATS micro
 * counts none of them: generic tooling (`nats micro stats`) saw an agent that did 20 jobs as one
 * that did nothing. The "jobs" endpoint's counters are therefore set to the work-queue counters
 * each time stats are asked for.
 *
 * nats.js 2.x keeps an endpoint's counters on the `stats` object of the endpoint it hands the
 * stats handler; that object is not in its types, so it is reached for here, in one place, and
 * tests/bus/service-stats.test.ts fails if a client upgrade moves it.
 */
export function showJobsInEndpointStats(endpoint: unknown, snapshot: JobStatsSnapshot): void {
  const counters = (endpoint as { stats?: Partial<EndpointCounters> } | undefined)?.stats;
  if (!counters || typeof counters !== "object") return;
  const finished = snapshot.jobsProcessed + snapshot.jobsFailed;
  counters.num_requests = finished;
  counters.num_errors = snapshot.jobsFailed;
  counters.processing_time = Math.round(snapshot.totalProcessingMs * nanosecondsPerMillisecond);
  counters.average_processing_time = finished === 0 ? 0 : Math.round((snapshot.totalProcessingMs * nanosecondsPerMillisecond) / finished);
}
