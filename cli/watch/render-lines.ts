import type { AspEvent } from "../../schemas/event.ts";
import { readEvent } from "../../schemas/events/index.ts";
import { formatEvent } from "../format-event.ts";
import type { RunView } from "./run-view.ts";

export function formatUsd(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 2)}`;
}

export function formatTokens(run: RunView): string {
  const total = run.tokens.input + run.tokens.output + run.tokens.cacheWrite + run.tokens.cacheRead;
  return `${total} tokens (in ${run.tokens.input}, out ${run.tokens.output}, cache write ${run.tokens.cacheWrite}, cache read ${run.tokens.cacheRead})`;
}

/**
 * One plain line per interesting event, for a log file or a pipe: what `asp run` prints, plus the
 * events it leaves out (writers starting files, human gates, budgets) and the running cost at
 * each stage boundary, read from the view after the event was applied.
 */
export function formatWatchLine(event: AspEvent, run: RunView, options: { prefixRunId?: boolean } = {}): string | undefined {
  const read = readEvent(event);
  if (read.kind !== "known") return undefined;
  const known = read.event;
  const time = event.time.slice(11, 19);
  let line: string | undefined;
  switch (known.type) {
    case "file.started":
      line = `${time}   writing ${known.data.path} (round ${known.data.round}) on ${known.data.writer || event.instance || "?"}`;
      break;
    case "gate.waiting":
      line = `${time} ⏸ ${known.data.stage} round ${known.data.round}: waiting for approval (asp dashboard, or a request on control.${event.runId}.approve|reject)`;
      break;
    case "gate.decided":
      line = `${time}   gate ${known.data.stage}: ${known.data.decision} by ${known.data.decidedBy}${known.data.note ? ` — ${known.data.note}` : ""}`;
      break;
    case "run.budget_exceeded":
      // The event's own spentUsd first (the orchestrator's sum); events stored before it had one fall back to the view's sum.
      line = `${time} ! budget exceeded: spent ${formatUsd(known.data.spentUsd ?? run.costUsd)} of ${formatUsd(known.data.budgetUsd ?? 0)}`;
      break;
    case "stage.completed":
    case "stage.failed":
      line = `${formatEvent(event)} — ${formatUsd(run.costUsd)} so far, ${run.tokens.input + run.tokens.output} tokens`;
      break;
    case "run.completed":
    case "run.failed":
      line = `${formatEvent(event)}\n${time}   totals: ${formatTokens(run)}, ${run.llmCalls} model calls`;
      break;
    default:
      line = formatEvent(event);
  }
  if (line === undefined) return undefined;
  return options.prefixRunId ? line.split("\n").map((part) => `[${event.runId}] ${part}`).join("\n") : line;
}
