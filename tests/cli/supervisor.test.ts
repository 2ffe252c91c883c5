import { EventEmitter } from "node:events";
import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { FleetProcess } from "../../cli/fleet.ts";
import { superviseProcess, type GiveUpNotice, type RestartNotice, type SupervisionPolicy } from "../../cli/supervisor.ts";

/** A stand-in for an agent process: exits when told to, like a child process does. */
function fakeProcess(instance: string): FleetProcess & { exit(code: number | null, signal?: NodeJS.Signals): void } {
  const child = Object.assign(new EventEmitter(), { exitCode: null, signalCode: null, kill: () => true }) as unknown as ChildProcess;
  return {
    name: "code",
    instance,
    child,
    logFile: "/logs/code-3.log",
    exit: (code, signal) => void child.emit("exit", code, signal ?? null),
  };
}

const policy: SupervisionPolicy = { initialDelayMs: 5, maximumDelayMs: 40, maximumExits: 3, windowMs: 60_000 };
const settle = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function supervised(options: { respawnFails?: number } = {}) {
  let current = fakeProcess("code-1");
  let spawned = 1;
  let failuresLeft = options.respawnFails ?? 0;
  const restarting: RestartNotice[] = [];
  const restarted: string[] = [];
  const gaveUp: GiveUpNotice[] = [];
  const supervision = superviseProcess({
    current: () => current,
    replace: (fresh) => {
      current = fresh as typeof current;
    },
    respawn: async () => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error("agent code did not become ready");
      }
      spawned += 1;
      return fakeProcess(`code-${spawned}`);
    },
    hooks: { onRestarting: (notice) => void restarting.push(notice), onRestarted: (notice) => void restarted.push(notice.instance!), onGaveUp: (notice) => void gaveUp.push(notice) },
    policy,
  });
  return { current: () => current, supervision, restarting, restarted, gaveUp };
}

describe("the fleet's supervisor", () => {
  it("restarts a process that exits, in its slot, with a delay that doubles each time", async () => {
    const slot = supervised();
    slot.current().exit(null, "SIGKILL");
    await settle(30);
    expect(slot.current().instance).toBe("code-2");
    slot.current().exit(1);
    await settle(40);
    expect(slot.current().instance).toBe("code-3");
    expect(slot.restarting.map((notice) => [notice.restart, notice.delayMs, notice.signal, notice.exitCode])).toEqual([
      [1, 5, "SIGKILL", null],
      [2, 10, null, 1],
    ]);
    expect(slot.restarted).toEqual(["code-2", "code-3"]);
    expect(slot.gaveUp).toEqual([]);
  });

  it("gives up on a process that keeps exiting, naming how often and where its log is", async () => {
    const slot = supervised();
    for (let exit = 0; exit < 4; exit++) {
      slot.current().exit(3);
      await settle(60);
    }
    expect(slot.restarting).toHaveLength(3);
    expect(slot.gaveUp).toHaveLength(1);
    expect(slot.gaveUp[0]!.reason).toBe("code exited 4 times within 60 s (last: exit code 3); it is not restarted again. See /logs/code-3.log");
    const instanceAfterGivingUp = slot.current().instance;
    slot.current().exit(3);
    await settle(60);
    expect(slot.current().instance).toBe(instanceAfterGivingUp);
  });

  it("counts a restart that never became ready as one more exit, and tries again", async () => {
    const slot = supervised({ respawnFails: 1 });
    slot.current().exit(null, "SIGKILL");
    await settle(60);
    expect(slot.restarting.map((notice) => notice.failedToStart ?? notice.signal)).toEqual(["SIGKILL", "agent code did not become ready"]);
    expect(slot.current().instance).toBe("code-2");
  });

  it("restarts nothing once stopped, not even a restart already waiting", async () => {
    const slot = supervised();
    slot.current().exit(null, "SIGTERM");
    slot.supervision.stop();
    await settle(30);
    expect(slot.current().instance).toBe("code-1");
    expect(slot.restarted).toEqual([]);
  });
});
