import type { AspEvent } from "../schemas/event.ts";

/** One human-readable line per interesting event; routine ones (job bookkeeping) return undefined. */
export function formatEvent(event: AspEvent): string | undefined {
  const data = event.data as Record<string, any>;
  const time = event.time.slice(11, 19);
  switch (event.type) {
    case "run.started":
      return `${time} run ${event.runId} started: ${data.task?.title ?? ""}`;
    case "run.resumed":
      return `${time} run ${event.runId} resumed`;
    case "stage.started":
      return `${time} ▶ ${data.stage} (round ${data.round})${data.resumed ? " resumed" : ""}`;
    case "stage.completed":
      return `${time} ✓ ${data.stage} round ${data.round} in ${data.durationMs} ms${data.verdict ? ` → ${data.verdict}` : ""}`;
    case "stage.failed":
      return `${time} ✗ ${data.stage} round ${data.round}: ${data.error}`;
    case "gate.verdict":
      return `${time}   gate ${data.stage}: ${data.verdict}${data.passed ? "" : ` (${data.next === "fail" ? "no rounds left" : `back to ${data.next}`})`}`;
    case "manifest.ready":
      return `${time}   manifest: ${Array.isArray(data.files) ? data.files.length : 0} files`;
    case "manifest.rejected":
      return `${time}   manifest refused, asking again: ${Array.isArray(data.problems) ? data.problems.join("; ") : ""}`;
    case "code.waves":
      return `${time}   writing round ${data.round} in ${Array.isArray(data.waves) ? data.waves.length : 0} wave(s)${data.fallback ? " (dependency cycle: one wave)" : data.order === "all-at-once" ? " (all at once)" : ""}`;
    case "review.reviewer_failed":
      return `${time}   ${data.gate}: reviewer(s) ${Array.isArray(data.reviewers) ? data.reviewers.join(", ") : ""} failed; the stage is retried`;
    case "code.cycle":
      return `${time}   dependency cycle: ${Array.isArray(data.cycle) ? data.cycle.join(" -> ") : ""}`;
    case "file.written":
      return `${time}   wrote ${data.path} (${data.bytes} bytes, round ${data.round}) ${data.empty ? "empty, with no model call" : `on ${data.writer}`}`;
    case "file.failed":
      return `${time}   file ${data.path} failed (attempt ${data.attempt}): ${data.error}`;
    case "tests.finished":
      return `${time}   tests: ${data.passed} passed, ${data.failed} failed (${data.runner})`;
    case "job.dead_letter":
      return `${time}   dead letter on ${event.agent}: ${data.reason ?? data.error ?? ""}`;
    case "run.completed":
    case "run.failed":
      return `${time} run ${event.runId} ${data.status}${data.reason ? `: ${data.reason}` : ""} — $${Number(data.costUsd ?? 0).toFixed(4)}, ${data.files ?? 0} files, ${data.durationMs} ms`;
    default:
      return undefined;
  }
}
