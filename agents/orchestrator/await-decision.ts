import type { NatsConnection } from "nats";
import { parseEventData } from "../../schemas/events/index.ts";
import { replayEvents } from "../../bus/events.ts";
import { BusError } from "../../errors/index.ts";
import type { Subjects } from "../../bus/subjects.ts";

export interface HumanDecision {
  decision: "approve" | "reject";
  note: string;
  decidedBy: string;
}

/** Waits for the `gate.decided` event of one gate round, replaying first: a decision made while the orchestrator was down counts. */
export async function awaitGateDecision(options: {
  connection: NatsConnection;
  subjects: Subjects;
  runId: string;
  stage: string;
  round: number;
  timeoutMs: number;
}): Promise<HumanDecision | undefined> {
  let resolveDecision: (decision: HumanDecision | undefined) => void = () => undefined;
  const decided = new Promise<HumanDecision | undefined>((resolve) => (resolveDecision = resolve));
  const replay = await replayEvents({
    connection: options.connection,
    subjects: options.subjects,
    runId: options.runId,
    follow: true,
    onEvent: (event) => {
      if (event.type !== "gate.decided") return;
      // Through the catalogue: a malformed decision is never read as an approval (nor a rejection); the gate keeps waiting.
      const decided = parseEventData(event, "gate.decided");
      if (!decided.success || decided.data.stage !== options.stage || decided.data.round !== options.round) return;
      resolveDecision({ decision: decided.data.decision, note: decided.data.note, decidedBy: decided.data.decidedBy });
    },
  });
  const timer = setTimeout(() => resolveDecision(undefined), Math.max(0, options.timeoutMs));
  // A replay that fails (the bus lost) must not pass for "nobody decided": the error hands the run
  // back for redelivery, and the redelivered run waits again, replaying decisions made meanwhile.
  const failed = replay.done.then(
    () => new Promise<never>(() => undefined),
    (error: unknown) => Promise.reject(new BusError(`could not follow the decisions of run ${options.runId}: ${(error as Error).message}`, { cause: error })),
  );
  try {
    return await Promise.race([decided, failed]);
  } finally {
    clearTimeout(timer);
    await replay.stop();
  }
}
