import type { FleetProcess } from "./fleet.ts";

/**
 * How a fleet's processes are kept alive. A process that exits while nobody asked it to is
 * restarted after a delay that doubles with each exit in the window, so a crash loop does not burn
 * the machine; one that keeps exiting is given up on, with the reason, instead of restarting forever.
 */
export interface SupervisionPolicy {
  /** Delay before the first restart. */
  initialDelayMs: number;
  /** The longest delay between two restarts. */
  maximumDelayMs: number;
  /** Exits within `windowMs` after which the process is given up on. */
  maximumExits: number;
  windowMs: number;
}

export const defaultSupervisionPolicy: SupervisionPolicy = Object.freeze({
  initialDelayMs: 500,
  maximumDelayMs: 30_000,
  maximumExits: 5,
  windowMs: 120_000,
});

export interface ExitDescription {
  name: string;
  instance?: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  logFile: string;
  /** Set when the restarted process never became ready. */
  failedToStart?: string;
}

export interface RestartNotice extends ExitDescription {
  /** 1 for the first restart within the window. */
  restart: number;
  delayMs: number;
}

export interface RestartedNotice {
  name: string;
  previousInstance?: string;
  instance?: string;
  restart: number;
}

export interface GiveUpNotice extends ExitDescription {
  exits: number;
  reason: string;
}

export interface SupervisionHooks {
  /** The process exited unexpectedly and will be restarted after `delayMs`. */
  onRestarting(notice: RestartNotice): void;
  /** A new process is ready in its place. */
  onRestarted(notice: RestartedNotice): void;
  /** It exited too often: it stays down. */
  onGaveUp(notice: GiveUpNotice): void;
}

export interface Supervision {
  /** No more restarts (the fleet is stopping); a pending restart is cancelled. */
  stop(): void;
}

export interface SuperviseOptions {
  /** The slot's current process; replaced in place by `replace` after each restart. */
  current(): FleetProcess;
  replace(process: FleetProcess): void;
  /** Starts a fresh process for the slot; rejects when it does not become ready. */
  respawn(): Promise<FleetProcess>;
  hooks: SupervisionHooks;
  policy?: SupervisionPolicy;
  now?: () => number;
}

function describeExit(process: FleetProcess, exitCode: number | null, signal: NodeJS.Signals | null): ExitDescription {
  return { name: process.name, ...(process.instance ? { instance: process.instance } : {}), exitCode, signal, logFile: process.logFile };
}

export function exitText(exit: Pick<ExitDescription, "exitCode" | "signal" | "failedToStart">): string {
  if (exit.failedToStart) return `did not start: ${exit.failedToStart}`;
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`;
}

/** Watches one slot of the fleet: restarts its process when it exits, until stopped or given up. */
export function superviseProcess(options: SuperviseOptions): Supervision {
  const policy = options.policy ?? defaultSupervisionPolicy;
  const now = options.now ?? Date.now;
  const exits: number[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const watch = (process: FleetProcess) => {
    process.child.once("exit", (exitCode, signal) => {
      if (!stopped) void onExit(describeExit(process, exitCode, signal));
    });
  };

  const onExit = async (exit: ExitDescription) => {
    const at = now();
    exits.push(at);
    while (exits.length > 0 && at - exits[0]! > policy.windowMs) exits.shift();
    if (exits.length > policy.maximumExits) {
      stopped = true;
      options.hooks.onGaveUp({
        ...exit,
        exits: exits.length,
        reason: `${exit.name} exited ${exits.length} times within ${Math.round(policy.windowMs / 1000)} s (last: ${exitText(exit)}); it is not restarted again. See ${exit.logFile}`,
      });
      return;
    }
    const restart = exits.length;
    const delayMs = Math.min(policy.maximumDelayMs, policy.initialDelayMs * 2 ** (restart - 1));
    options.hooks.onRestarting({ ...exit, restart, delayMs });
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, delayMs);
    });
    if (stopped) return;
    try {
      const fresh = await options.respawn();
      if (stopped) {
        // The fleet began stopping while this one started: it must not outlive the fleet.
        fresh.child.kill("SIGTERM");
        return;
      }
      options.replace(fresh);
      watch(fresh);
      options.hooks.onRestarted({ name: exit.name, ...(exit.instance ? { previousInstance: exit.instance } : {}), ...(fresh.instance ? { instance: fresh.instance } : {}), restart });
    } catch (error) {
      // A start that fails counts as one more exit, with its own backoff.
      if (!stopped) await onExit({ ...exit, exitCode: null, signal: null, failedToStart: (error as Error).message });
    }
  };

  watch(options.current());
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
