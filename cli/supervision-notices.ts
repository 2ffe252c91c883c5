import type { NatsConnection } from "nats";
import { systemClock } from "../bus/clock.ts";
import { createEventPublisher } from "../bus/events.ts";
import type { Subjects } from "../bus/subjects.ts";
import type { EventDataInput } from "../schemas/events/index.ts";
import { exitText, type SupervisionHooks } from "./supervisor.ts";

type SupervisionEventType = "agent.restarting" | "agent.restarted" | "agent.gave_up";

/** Fleet events belong to no run; they are recorded under this reserved run id (a valid token no run uses). */
export const fleetRunId = "_fleet";

export interface SupervisionEvents {
  emit<T extends SupervisionEventType>(type: T, agent: string, data: EventDataInput<T>): void;
}

/** Supervision events on `<ns>.events._fleet.<agent>.agent.*`: `asp watch _fleet` and the dashboard can follow them. */
export function createSupervisionEvents(connection: NatsConnection, subjects: Subjects, instanceId: string): SupervisionEvents {
  const events = createEventPublisher({ connection, subjects, clock: systemClock, instanceId });
  return {
    emit(type, agent, data) {
      // Best effort: a fleet whose server is away still restarts its agents; the log line says it all.
      events.publish({ runId: fleetRunId, agent, type, data }).catch(() => undefined);
    },
  };
}

/** What `asp up` says and records about its processes: one line and one event per restart or give-up. */
export function supervisionHooks(options: { notice(line: string): void; events: SupervisionEvents; isStopping(): boolean }): SupervisionHooks {
  const { notice, events } = options;
  return {
    onRestarting(exit) {
      if (options.isStopping()) return;
      notice(`warning: ${exit.name} (${exit.instance ?? "?"}) exited (${exitText(exit)}); restart ${exit.restart} in ${(exit.delayMs / 1000).toFixed(1)} s; log ${exit.logFile}`);
      events.emit("agent.restarting", exit.name, { instance: exit.instance ?? null, exitCode: exit.exitCode, signal: exit.signal, restart: exit.restart, delayMs: exit.delayMs, logFile: exit.logFile, ...(exit.failedToStart ? { failedToStart: exit.failedToStart } : {}) });
    },
    onRestarted(restarted) {
      notice(`${restarted.name} restarted as ${restarted.instance ?? "?"} (restart ${restarted.restart})`);
      events.emit("agent.restarted", restarted.name, { instance: restarted.instance ?? null, previousInstance: restarted.previousInstance ?? null, restart: restarted.restart });
    },
    onGaveUp(gaveUp) {
      notice(`error: ${gaveUp.reason}`);
      events.emit("agent.gave_up", gaveUp.name, { instance: gaveUp.instance ?? null, exits: gaveUp.exits, reason: gaveUp.reason, exitCode: gaveUp.exitCode, signal: gaveUp.signal, logFile: gaveUp.logFile });
    },
  };
}
