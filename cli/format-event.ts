import type { AspEvent } from "../schemas/event.ts";
import { readEvent } from "../schemas/events/index.ts";

/**
 * One human-readable line per interesting event; routine ones (job bookkeeping) return undefined, and
 * so does an event that fails its catalogue schema (the caller's replay reports those).
 */
export function formatEvent(event: AspEvent): string | undefined {
  const read = readEvent(event);
  if (read.kind !== "known") return undefined;
  const known = read.event;
  const time = event.time.slice(11, 19);
  switch (known.type) {
    case "run.started":
      return `${time} run ${event.runId} started: ${known.data.task.title}`;
    case "run.resumed":
      return `${time} run ${event.runId} resumed`;
    case "stage.started":
      return `${time} ▶ ${known.data.stage} (round ${known.data.round})${known.data.resumed ? " resumed" : ""}`;
    case "stage.completed":
      return `${time} ✓ ${known.data.stage} round ${known.data.round} in ${known.data.durationMs} ms${known.data.verdict ? ` → ${known.data.verdict}` : ""}`;
    case "stage.waiting":
      return `${time} ⏸ ${known.data.stage} (round ${known.data.round}): ${known.data.reason}`;
    case "stage.agent_available":
      return `${time} ▶ ${known.data.stage} (round ${known.data.round}): ${known.data.agent} is running now (${known.data.instances} instance(s))`;
    case "stage.failed":
      return `${time} ✗ ${known.data.stage} round ${known.data.round}: ${known.data.error}`;
    case "gate.verdict": {
      const { stage, verdict, passed, next } = known.data;
      return `${time}   gate ${stage}: ${verdict}${passed ? "" : ` (${next === "fail" ? "no rounds left" : `back to ${next}`})`}`;
    }
    case "manifest.ready":
      return `${time}   manifest: ${known.data.files.length} files`;
    case "manifest.rejected":
      return `${time}   manifest refused, asking again: ${known.data.problems.join("; ")}`;
    case "code.waves": {
      const { round, waves, fallback, order } = known.data;
      return `${time}   writing round ${round} in ${waves.length} wave(s)${fallback ? " (dependency cycle: one wave)" : order === "all-at-once" ? " (all at once)" : ""}`;
    }
    case "review.reviewer_failed":
      return `${time}   ${known.data.gate}: reviewer(s) ${known.data.reviewers.join(", ")} failed; the stage is retried`;
    case "code.cycle":
      return `${time}   dependency cycle: ${known.data.cycle.join(" -> ")}`;
    case "file.written": {
      const { path, bytes, round, empty, writer } = known.data;
      return `${time}   wrote ${path} (${bytes} bytes, round ${round}) ${empty ? "empty, with no model call" : `on ${writer}`}`;
    }
    case "file.failed":
      return `${time}   file ${known.data.path} failed (attempt ${known.data.attempt}): ${known.data.error}`;
    case "tests.finished":
      return `${time}   tests: ${known.data.passed} passed, ${known.data.failed} failed (${known.data.runner})`;
    case "job.dead_letter":
      return `${time}   dead letter on ${event.agent}: ${known.data.reason}`;
    case "run.completed":
    case "run.failed": {
      const { status, reason, costUsd, files, durationMs } = known.data;
      return `${time} run ${event.runId} ${status}${reason ? `: ${reason}` : ""} — $${costUsd.toFixed(4)}, ${files} files, ${durationMs} ms`;
    }
    default:
      return undefined;
  }
}
