import { terminalStyle, type TerminalStyle } from "../../logging/terminal-style.ts";
import { formatTokens, formatUsd } from "./render-lines.ts";
import type { FileView, RunView, StageView } from "./run-view.ts";

/** ANSI for a terminal that redraws the whole view on every change (cursor control, not colour: NO_COLOR keeps it). */
export const clearScreen = "\x1b[H\x1b[2J";

export function progressBar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}]`;
}

function seconds(milliseconds: number | undefined): string {
  return milliseconds === undefined ? "" : `${(milliseconds / 1000).toFixed(1)}s`;
}

function stageLine(stage: StageView, now: number, { green, red, yellow }: TerminalStyle): string {
  const symbol = { running: yellow("▶"), completed: green("✓"), failed: red("✗"), waiting: yellow("⏸") }[stage.status];
  const elapsed = stage.durationMs ?? (stage.status === "running" || stage.status === "waiting" ? now - Date.parse(stage.startedAt) : undefined);
  const detail = stage.status === "waiting" ? yellow("waiting for approval") : stage.waitingForAgent ? yellow(stage.waitingForAgent) : stage.verdict ? `→ ${stage.verdict}` : stage.error ? red(stage.error.slice(0, 60)) : "";
  return `  ${symbol} ${stage.stage.padEnd(14)} r${stage.round}  ${seconds(elapsed).padStart(7)}  ${detail}`;
}

function fileLine(file: FileView, { green, red, dim }: TerminalStyle): string {
  const state = file.status === "written" ? green(`${file.bytes ?? 0} B`) : file.status === "reused" ? green(`reused from r${file.fromRound ?? "?"}`) : file.status === "failed" ? red(`failed (attempt ${file.attempt ?? 1})`) : file.status;
  return `    ${progressBar(file.progress)} ${file.path.padEnd(32).slice(0, 32)} r${file.round} ${dim((file.writer ?? "").padEnd(22))} ${state}`;
}

/** The whole screen for a set of runs; `now` is passed in so rendering stays free of the clock, `style` so NO_COLOR is honoured. */
export function renderScreen(runs: RunView[], now: number, style: TerminalStyle = terminalStyle(process.env)): string {
  const { bold, dim, green, red, yellow } = style;
  if (runs.length === 0) return `${bold("asp watch")}  waiting for events…\n`;
  const blocks = runs.map((run) => {
    const status = run.status === "passed" ? green(run.status) : run.status === "running" ? yellow(run.status) : run.status === "waiting" ? yellow("waiting for approval") : red(run.status);
    const lines = [
      `${bold(run.runId)}  ${status}  ${run.title ?? ""}`,
      `  cost ${formatUsd(run.costUsd)}   ${formatTokens(run)}   ${run.llmCalls} model calls`,
    ];
    if (run.budgetExceeded) lines.push(red(`  budget exceeded at ${formatUsd(run.budgetExceeded.spentUsd ?? run.costUsd)}`));
    if (run.waiting) lines.push(yellow(`  ⏸ ${run.waiting.stage} round ${run.waiting.round} is waiting for approval since ${run.waiting.since.slice(11, 19)}`));
    const started = new Set(run.stages.map((stage) => stage.stage));
    for (const stage of run.stages) lines.push(stageLine(stage, now, style));
    for (const planned of run.plannedStages.filter((name) => !started.has(name))) lines.push(dim(`  · ${planned}`));
    if (run.files.length > 0) {
      lines.push(`  files (${run.files.filter((file) => file.status === "written" || file.status === "reused").length}/${run.files.length} written)`);
      for (const file of run.files) lines.push(fileLine(file, style));
    }
    for (const gate of run.gates) lines.push(`  gate ${gate.stage} r${gate.round}: ${gate.passed ? green(gate.verdict) : red(gate.verdict)}${gate.passed ? "" : ` → ${gate.next ?? ""}`} (${gate.decidedBy})`);
    for (const decision of run.decisions) lines.push(`  ${decision.stage}: ${decision.decision} by ${decision.decidedBy ?? "?"}${decision.note ? ` — ${decision.note}` : ""}`);
    if (run.tests) lines.push(`  tests: ${run.tests.passed} passed, ${run.tests.failed} failed`);
    if (run.reason) lines.push(`  reason: ${run.reason}`);
    return lines.join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}
