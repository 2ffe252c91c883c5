import { describe, expect, it } from "vitest";
import { withStagePresence } from "../../agents/orchestrator/stage-presence.ts";

const settle = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function presence(instancesOverTime: () => number) {
  const emitted: Array<{ type: string; data: Record<string, unknown> }> = [];
  const options = {
    stage: "lint",
    agent: "linter",
    round: 1,
    countInstances: async () => instancesOverTime(),
    emit: async (type: string, data: Record<string, unknown>) => void emitted.push({ type, data }),
    firstCheckMs: 5,
    intervalMs: 10,
  };
  return { options, emitted };
}

describe("a stage's wait for its agent", () => {
  it("says once that no instance is running, and once that one turned up", async () => {
    let instances = 0;
    const watched = presence(() => instances);
    let finish!: (value: string) => void;
    const result = withStagePresence(watched.options, () => new Promise<string>((resolve) => (finish = resolve)));
    await settle(50);
    expect(watched.emitted).toEqual([{ type: "stage.waiting", data: { stage: "lint", agent: "linter", round: 1, reason: "waiting for agent linter: none running" } }]);
    instances = 2;
    await settle(40);
    finish("done");
    expect(await result).toBe("done");
    expect(watched.emitted.map((event) => event.type)).toEqual(["stage.waiting", "stage.agent_available"]);
    expect(watched.emitted[1]!.data.instances).toBe(2);
  });

  it("says nothing while the agent runs, and stops looking once the stage is answered", async () => {
    let looks = 0;
    const watched = presence(() => {
      looks += 1;
      return 1;
    });
    await withStagePresence(watched.options, async () => settle(40));
    const looksWhenAnswered = looks;
    expect(looksWhenAnswered).toBeGreaterThan(0);
    await settle(40);
    expect(looks).toBe(looksWhenAnswered);
    expect(watched.emitted).toEqual([]);
  });

  it("passes the stage's failure through unchanged", async () => {
    const watched = presence(() => 0);
    await expect(withStagePresence(watched.options, async () => Promise.reject(new Error("stage failed")))).rejects.toThrow("stage failed");
  });
});
