import { parseArgs } from "node:util";
import { assertToken } from "../../bus/subjects.ts";
import { replayEvents } from "../../bus/events.ts";
import type { AspEvent } from "../../schemas/event.ts";
import type { CommandIo } from "../command-io.ts";
import { openBus } from "./open-bus.ts";
import { formatWatchLine } from "./render-lines.ts";
import { terminalStyle } from "../../logging/terminal-style.ts";
import { clearScreen, renderScreen } from "./render-screen.ts";
import { applyEvent, emptyWatchState, isFinished } from "./run-view.ts";

export const watchUsage = `usage: asp watch [RUN_ID] [--json] [--plain] [--keep]
  A live view of a run (or of every run) from the events stream, from its first event even when
  the run began before the watch. With RUN_ID it ends when the run has finished (--keep stays).
  On a terminal the view redraws; piped, it prints one line per event; --json prints NDJSON events.
  Joins the fleet named by NATS_URL / ASP_NAMESPACE.
`;

/** How often a terminal view redraws at most: a busy run sends hundreds of events a second. */
const redrawEveryMs = 100;

export interface WatchDependencies {
  env?: Record<string, string | undefined>;
  now?: () => number;
  /** Resolves when the user wants to stop (SIGINT by default). */
  interrupted?: Promise<void>;
}

export async function watchCommand(argv: string[], io: CommandIo, dependencies: WatchDependencies = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: "boolean", default: false }, plain: { type: "boolean", default: false }, keep: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
    });
    if (parsed.positionals.length > 1) throw new Error(`expected at most one run id, got ${parsed.positionals.length}`);
    if (parsed.positionals[0]) assertToken(parsed.positionals[0], "run id");
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${watchUsage}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout.write(watchUsage);
    return 0;
  }
  const runId = parsed.positionals[0];
  const { json, keep } = parsed.values;
  const now = dependencies.now ?? (() => Date.now());
  const terminal = !json && !parsed.values.plain && Boolean((io.stdout as { isTTY?: boolean }).isTTY);
  const session = await openBus(dependencies.env ?? process.env, "asp-watch");
  let state = emptyWatchState();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let redrawTimer: NodeJS.Timeout | undefined;
  const redraw = () => {
    redrawTimer = undefined;
    const runs = state.order.map((id) => state.runs[id]!);
    io.stdout.write(clearScreen + renderScreen(runs, now(), terminalStyle(dependencies.env ?? process.env)));
  };
  // Elapsed times of running stages keep moving on a terminal even without new events.
  const ticker = terminal ? setInterval(redraw, 1000) : undefined;
  if (terminal) redraw();

  const onEvent = (event: AspEvent) => {
    state = applyEvent(state, event, (error) => io.stderr.write(`skipped event: ${error.message}\n`));
    const run = state.runs[event.runId]!;
    if (json) io.stdout.write(`${JSON.stringify(event)}\n`);
    else if (terminal) redrawTimer ??= setTimeout(redraw, redrawEveryMs);
    else {
      const line = formatWatchLine(event, run, { prefixRunId: !runId });
      if (line) io.stdout.write(`${line}\n`);
    }
    if (runId && !keep && isFinished(run)) finish();
  };

  let replay;
  try {
    replay = await replayEvents({
      connection: session.connection,
      subjects: session.subjects,
      ...(runId ? { runId } : {}),
      follow: true,
      onEvent,
      onInvalid: (error, sequence) => io.stderr.write(`skipped stored message ${sequence}: ${error.message}\n`),
    });
    if (runId && !json) io.stderr.write(`watching run ${runId} on ${session.natsUrl} (namespace ${session.subjects.namespace})\n`);
    const interrupted = dependencies.interrupted ?? new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    await Promise.race([finished, interrupted, replay.done]);
    return 0;
  } finally {
    await replay?.stop();
    if (ticker) clearInterval(ticker);
    if (redrawTimer) {
      clearTimeout(redrawTimer);
      redraw();
    }
    await session.close();
  }
}
