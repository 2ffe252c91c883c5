import type { EventDataInput } from "../../schemas/events/index.ts";

/**
 * A stage whose agent has no live instance would wait silently until its timeout, which for the
 * code stage is 15 minutes. While a stage's job is pending, this looks for live instances of its
 * agent now and then, and says so when there are none, and again when one turns up: `asp watch`,
 * `asp submit` and the dashboard show the wait as it happens.
 */
export interface StagePresenceOptions {
  stage: string;
  agent: string;
  round: number;
  /** Live instances of the agent in this namespace (NATS service PING). */
  countInstances(agent: string): Promise<number>;
  emit<T extends "stage.waiting" | "stage.agent_available">(type: T, data: EventDataInput<T>): Promise<void>;
  /** The first look; a stage an agent answers within it costs no look at all. */
  firstCheckMs?: number;
  intervalMs?: number;
}

export const defaultPresenceTimings = Object.freeze({ firstCheckMs: 2000, intervalMs: 3000 });

export async function withStagePresence<T>(options: StagePresenceOptions | undefined, work: () => Promise<T>): Promise<T> {
  if (!options) return work();
  let stopped = false;
  let waiting = false;
  let timer: NodeJS.Timeout | undefined;
  const look = async () => {
    if (stopped) return;
    const instances = await options.countInstances(options.agent).catch(() => undefined);
    if (stopped || instances === undefined) return schedule(options.intervalMs ?? defaultPresenceTimings.intervalMs);
    if (instances === 0 && !waiting) {
      waiting = true;
      await options.emit("stage.waiting", { stage: options.stage, agent: options.agent, round: options.round, reason: `waiting for agent ${options.agent}: none running` }).catch(() => undefined);
    } else if (instances > 0 && waiting) {
      waiting = false;
      await options.emit("stage.agent_available", { stage: options.stage, agent: options.agent, round: options.round, instances }).catch(() => undefined);
    }
    schedule(options.intervalMs ?? defaultPresenceTimings.intervalMs);
  };
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => void look(), delayMs);
  };
  schedule(options.firstCheckMs ?? defaultPresenceTimings.firstCheckMs);
  try {
    return await work();
  } finally {
    stopped = true;
    clearTimeout(timer);
  }
}
