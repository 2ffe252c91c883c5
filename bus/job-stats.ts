/** Counters behind the service stats: what `$SRV.STATS` shows for each replica. */
export interface JobStatsSnapshot {
  jobsProcessed: number;
  jobsFailed: number;
  averageProcessingMs: number;
  /** Handler time of every finished job, the total behind the average. */
  totalProcessingMs: number;
  inFlight: number;
  directRequests: number;
}

export class JobStats {
  private processed = 0;
  private failed = 0;
  private totalMs = 0;
  private timed = 0;
  private running = 0;
  private direct = 0;

  started(): void {
    this.running += 1;
  }

  finished(outcome: "completed" | "failed", durationMs: number): void {
    this.running = Math.max(0, this.running - 1);
    if (outcome === "completed") this.processed += 1;
    else this.failed += 1;
    this.totalMs += durationMs;
    this.timed += 1;
  }

  /** A job that ended without running the handler (duplicate, drained) only leaves the in-flight count. */
  abandoned(): void {
    this.running = Math.max(0, this.running - 1);
  }

  directRequest(): void {
    this.direct += 1;
  }

  snapshot(): JobStatsSnapshot {
    return {
      jobsProcessed: this.processed,
      jobsFailed: this.failed,
      averageProcessingMs: this.timed === 0 ? 0 : Math.round((this.totalMs / this.timed) * 100) / 100,
      totalProcessingMs: Math.round(this.totalMs * 100) / 100,
      inFlight: this.running,
      directRequests: this.direct,
    };
  }
}
