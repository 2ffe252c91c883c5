import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type NatsConnection,
  type StreamConfig,
} from "nats";
import type { Subjects } from "./subjects.ts";

export interface ResourceOptions {
  replicas?: 1 | 3;
  storage?: "file" | "memory";
  /** How long results and events are kept. */
  resultMaxAgeMs?: number;
  eventMaxAgeMs?: number;
}

const nanosecondsPerMillisecond = 1_000_000;
const dayMs = 24 * 60 * 60 * 1000;
/** Long enough for a publisher's retries after a reconnect, short enough to keep the dedupe index small. */
export const duplicateWindowMs = 2 * 60 * 1000;

/**
 * Set to "1" by the process that starts a fleet after it has ensured the resources, so each of its
 * agents skips the check at start-up. A standalone `asp agent` (compose, Kubernetes) has no such
 * starter and ensures them itself.
 */
export const resourcesReadyVariable = "ASP_RESOURCES_READY";

export interface BusResources {
  jobsStream: string;
  resultsStream: string;
  eventsStream: string;
  runsBucket: string;
  historyBucket: string;
  artifactsBucket: string;
  rateLimitsBucket: string;
}

/**
 * The fleet's rate-limit counters change on every model call and matter only for the next minute:
 * memory storage, one revision per key (llm/fleet-rate-limit, decision 1080). Shared by
 * ensureResources and the agents that open the bucket, so whichever creates it creates it the same.
 */
export function rateLimitsBucketOptions(replicas: 1 | 3 = 1) {
  return { history: 1, storage: StorageType.Memory, replicas };
}

/**
 * Creates or updates every stream and bucket the bus needs. Safe to call from every process at
 * start-up: the second caller finds them and updates only what changed.
 */
export async function ensureResources(
  connection: NatsConnection,
  subjects: Subjects,
  options: ResourceOptions = {},
): Promise<BusResources> {
  const jsm = await connection.jetstreamManager();
  const storage = options.storage === "memory" ? StorageType.Memory : StorageType.File;
  const replicas = options.replicas ?? 1;
  const common = { storage, num_replicas: replicas, duplicate_window: duplicateWindowMs * nanosecondsPerMillisecond };

  await ensureStream(jsm, {
    ...common,
    name: subjects.jobsStream,
    subjects: [subjects.allJobs()],
    // A job is removed when acked (or terminated): the stream is the queue, not a history.
    retention: RetentionPolicy.Workqueue,
  });
  await ensureStream(jsm, {
    ...common,
    name: subjects.resultsStream,
    subjects: [subjects.allResults()],
    retention: RetentionPolicy.Limits,
    max_age: (options.resultMaxAgeMs ?? 7 * dayMs) * nanosecondsPerMillisecond,
    discard: DiscardPolicy.Old,
  });
  await ensureStream(jsm, {
    ...common,
    // Events are the record of every run (postmortems, replays): always on disk.
    storage: StorageType.File,
    name: subjects.eventsStream,
    subjects: [subjects.allEvents()],
    retention: RetentionPolicy.Limits,
    max_age: (options.eventMaxAgeMs ?? 30 * dayMs) * nanosecondsPerMillisecond,
    discard: DiscardPolicy.Old,
  });

  const js = connection.jetstream();
  await js.views.kv(subjects.runsBucket, { history: 5, storage, replicas });
  await js.views.kv(subjects.historyBucket, { history: 1, storage, replicas });
  await js.views.os(subjects.artifactsBucket, { storage, replicas });
  await js.views.kv(subjects.rateLimitsBucket, rateLimitsBucketOptions(replicas));

  return {
    jobsStream: subjects.jobsStream,
    resultsStream: subjects.resultsStream,
    eventsStream: subjects.eventsStream,
    runsBucket: subjects.runsBucket,
    historyBucket: subjects.historyBucket,
    artifactsBucket: subjects.artifactsBucket,
    rateLimitsBucket: subjects.rateLimitsBucket,
  };
}

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  const existing = await jsm.streams.info(config.name).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (!existing) {
    try {
      await jsm.streams.add(config);
      return;
    } catch (error) {
      // Another process created it between our lookup and our add: fall through to update.
      if (!String((error as Error).message).includes("already in use")) throw error;
    }
  }
  const { retention: _retention, storage: _storage, ...updatable } = config;
  // Updating an unchanged stream needs rights a least-privilege agent does not have; skip it.
  if (existing && isUnchanged(existing.config as unknown as Record<string, unknown>, updatable)) return;
  await jsm.streams.update(config.name, updatable);
}

function isUnchanged(current: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  return Object.entries(wanted).every(([key, value]) => JSON.stringify(current[key]) === JSON.stringify(value));
}

export function isNotFound(error: unknown): boolean {
  const apiError = (error as { api_error?: { err_code?: number; code?: number } } | undefined)?.api_error;
  if (apiError?.code === 404) return true;
  return /not found/i.test(String((error as Error | undefined)?.message ?? ""));
}
