import { describe, expect, it } from "vitest";
import { formatEvent } from "../../cli/format-event.ts";
import { buildWatchState } from "../../cli/watch/run-view.ts";
import { renderScreen } from "../../cli/watch/render-screen.ts";
import { terminalStyle } from "../../logging/terminal-style.ts";
import { catalogueEvent } from "../support/event-fixtures.ts";

const plain = terminalStyle({ NO_COLOR: "1" });

describe("a stage waiting for its agent, as watch, submit and the dashboard show it", () => {
  const started = catalogueEvent("stage.started", { stage: "lint", agent: "linter", round: 1 });
  const waiting = catalogueEvent("stage.waiting", { stage: "lint", agent: "linter", round: 1, reason: "waiting for agent linter: none running" });
  const available = catalogueEvent("stage.agent_available", { stage: "lint", agent: "linter", round: 1, instances: 1 });

  it("marks the stage in the view model (watch's screen and the dashboard's data) until an agent turns up", () => {
    const whileWaiting = buildWatchState([started, waiting]).runs["run-1"]!;
    expect(whileWaiting.stages.find((stage) => stage.stage === "lint")).toMatchObject({ status: "running", waitingForAgent: "waiting for agent linter: none running" });
    expect(renderScreen([whileWaiting], Date.parse(started.time), plain)).toMatch(/lint .* waiting for agent linter: none running/);
    const afterwards = buildWatchState([started, waiting, available]).runs["run-1"]!;
    expect(afterwards.stages.find((stage) => stage.stage === "lint")?.waitingForAgent).toBeUndefined();
  });

  it("is one line in asp submit's and asp run's progress", () => {
    expect(formatEvent(waiting)).toBe("10:00:00 ⏸ lint (round 1): waiting for agent linter: none running");
    expect(formatEvent(available)).toBe("10:00:00 ▶ lint (round 1): linter is running now (1 instance(s))");
  });
});
