import { parseArgs } from "node:util";
import { assertToken } from "../bus/subjects.ts";
import type { CommandIo } from "./command-io.ts";
import { openBus } from "./watch/open-bus.ts";
import { formatTokens, formatUsd } from "./watch/render-lines.ts";
import { computeTrends, loadRunHistory, type PspTrends, type RunHistoryEntry } from "./watch/run-history.ts";
import type { FileView, GateVerdictView } from "./watch/run-view.ts";

export const historyUsage = `usage: asp runs [--json]          every run: status, verdicts, cost, time, files
       asp show RUN_ID [--json]   one run in detail: stages, gates, files and writers, costs, PSP figures
       asp stats [--json]         PSP trends across runs: estimate accuracy, defect density, yield, cost per run
  Reads the fleet's runs and history buckets and its events stream (NATS_URL / ASP_NAMESPACE).
`;

const seconds = (milliseconds: number | undefined) => (milliseconds === undefined || !Number.isFinite(milliseconds) ? "-" : `${(milliseconds / 1000).toFixed(1)}s`);
const percent = (value: number | undefined) => (value === undefined ? "-" : `${(value * 100).toFixed(0)}%`);
const signed = (value: number | undefined, format: (value: number) => string) => (value === undefined ? "-" : `${value > 0 ? "+" : value < 0 ? "−" : "±"}${format(Math.abs(value))}`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((cells) => (cells[column] ?? "").length)));
  return [header, ...rows].map((cells) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()).join("\n");
}

/** One run as `asp runs --json` lists it: everything but the folded view and the raw state, which are large. */
export function runListingRow(entry: RunHistoryEntry): Omit<RunHistoryEntry, "view" | "state"> {
  const { view: _view, state: _state, ...row } = entry;
  return row;
}

/** What `asp show` says of a run id the fleet does not know. */
export const unknownRunMessage = (runId: string, namespace: string) => `no run ${runId} in namespace ${namespace}`;

export function formatRunsTable(entries: RunHistoryEntry[]): string {
  if (entries.length === 0) return "no runs yet\n";
  const rows = entries.map((entry) => [
    entry.runId,
    entry.status,
    entry.startedAt.slice(0, 19).replace("T", " "),
    seconds(entry.durationMs),
    formatUsd(entry.costUsd),
    String(entry.files),
    entry.verdicts.map((verdict) => `${verdict.stage}:${verdict.verdict}`).join(" "),
  ]);
  return `${table(["RUN", "STATUS", "STARTED", "TIME", "COST", "FILES", "VERDICTS"], rows)}\n`;
}

function formatFileLine(file: FileView): string {
  const state = file.status === "reused" ? `reused from r${file.fromRound ?? "?"}` : file.status;
  return `  ${file.path} r${file.round}  ${state}  ${file.bytes ?? 0} B  ${file.writer ?? ""}`.trimEnd();
}

/** A planned or actual figure of the postmortem, rounded as a person reads it: dollars, seconds, counts. */
function formatFigure(name: string, value: number | null | undefined): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return "-";
  if (name === "costUsd") return formatUsd(value);
  if (name === "durationMs") return seconds(value);
  return String(Math.round(value));
}

/** One gate round's findings, grouped by the reviewer that raised them. */
function formatGateFindings(gate: GateVerdictView): string[] {
  const byReviewer = new Map<string, GateVerdictView["findings"]>();
  for (const finding of gate.findings) {
    const reviewer = finding.reviewer ?? gate.stage;
    byReviewer.set(reviewer, [...(byReviewer.get(reviewer) ?? []), finding]);
  }
  const lines = [`  ${gate.stage} r${gate.round} (${gate.verdict}):`];
  for (const [reviewer, findings] of [...byReviewer].sort(([left], [right]) => left.localeCompare(right))) {
    lines.push(`    ${reviewer}:`);
    for (const finding of findings) {
      const place = finding.file ? `${finding.file}${finding.line === undefined ? "" : `:${finding.line}`} ` : "";
      lines.push(`      ${finding.severity.padEnd(8)} ${finding.id ? `${finding.id} ` : ""}${place}${finding.description}`);
    }
  }
  return lines;
}

export function formatRunDetail(entry: RunHistoryEntry): string {
  const lines = [`run ${entry.runId}: ${entry.status}${entry.reason ? ` (${entry.reason})` : ""}`, `task: ${entry.title ?? "-"}`];
  lines.push(`started ${entry.startedAt}, ${seconds(entry.durationMs)}, ${formatUsd(entry.costUsd)}, ${entry.files} file(s)`);
  const view = entry.view;
  if (view) {
    lines.push(`tokens: ${formatTokens(view)}, ${view.llmCalls} model calls`, "", "stages:");
    for (const stage of view.stages) lines.push(`  ${stage.stage.padEnd(14)} r${stage.round}  ${stage.status.padEnd(9)} ${seconds(stage.durationMs).padStart(7)}  ${stage.verdict ?? stage.error ?? ""}`);
    if (view.gates.length > 0) lines.push("", "gates:", ...view.gates.map((gate) => `  ${gate.stage} r${gate.round}: ${gate.verdict} (${gate.passed ? "passed" : `→ ${gate.next ?? ""}`}, by ${gate.decidedBy})`));
    if (view.decisions.length > 0) lines.push("", "human decisions:", ...view.decisions.map((decision) => `  ${decision.stage}: ${decision.decision} by ${decision.decidedBy ?? "?"}${decision.note ? ` — ${decision.note}` : ""}`));
    if (view.files.length > 0) lines.push("", "files:", ...view.files.map(formatFileLine));
    const reviewed = view.gates.filter((gate) => gate.findings.length > 0);
    if (reviewed.length > 0) lines.push("", "findings:", ...reviewed.flatMap(formatGateFindings));
    if (view.budgetExceeded) lines.push("", `budget exceeded at ${formatUsd(view.budgetExceeded.spentUsd ?? view.costUsd)}`);
  }
  const postmortem = entry.postmortem;
  if (postmortem) {
    const planned = postmortem.plannedVersusActual;
    lines.push("", "postmortem:");
    lines.push(`  defects ${postmortem.defects.length}, density ${postmortem.defectDensityPerKloc.toFixed(1)}/KLOC, process yield ${percent(postmortem.phaseYield.process)}`);
    for (const [name, figure] of Object.entries(planned)) lines.push(`  ${name.padEnd(10)} planned ${formatFigure(name, figure.planned)}  actual ${formatFigure(name, figure.actual)}`);
    lines.push(`  cost by agent: ${Object.entries(postmortem.costByAgent).map(([agent, totals]) => `${agent} ${formatUsd(totals.costUsd)}`).join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}

export function formatTrends(trends: PspTrends): string {
  if (trends.finished === 0) return `${trends.runs} run(s), none finished yet: no trends\n`;
  const rows = trends.points.map((point) => [
    point.runId,
    point.status,
    formatUsd(point.costUsd),
    seconds(point.durationMs),
    point.defectDensityPerKloc === undefined ? "-" : point.defectDensityPerKloc.toFixed(1),
    percent(point.yield),
    percent(point.costEstimateError),
  ]);
  const averages = trends.averages;
  return [
    table(["RUN", "STATUS", "COST", "TIME", "DEFECTS/KLOC", "YIELD", "COST EST. ERROR"], rows),
    "",
    `${trends.finished} finished of ${trends.runs} run(s), pass rate ${percent(trends.passRate)}`,
    `average cost per run ${formatUsd(averages.costUsd)} (trend ${signed(trends.change.costUsd, formatUsd)})`,
    `defect density ${averages.defectDensityPerKloc === undefined ? "-" : `${averages.defectDensityPerKloc.toFixed(1)}/KLOC`} (trend ${signed(trends.change.defectDensityPerKloc, (value) => value.toFixed(1))})`,
    `process yield ${percent(averages.yield)}`,
    `estimate error (|actual − PROBE| / PROBE): cost ${percent(averages.costEstimateError)}, tokens ${percent(averages.tokensEstimateError)}, time ${percent(averages.durationEstimateError)} (cost trend ${signed(trends.change.costEstimateError, percent)})`,
    "",
  ].join("\n");
}

/** `asp runs`, `asp show RUN_ID` and `asp stats`: read-only views of a fleet's history. */
export async function historyCommand(command: "runs" | "show" | "stats", argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: command === "show", options: { json: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } } });
    if (command === "show" && !parsed.values.help) {
      if (parsed.positionals.length !== 1) throw new Error("asp show needs exactly one run id");
      assertToken(parsed.positionals[0]!, "run id");
    }
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${historyUsage}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout.write(historyUsage);
    return 0;
  }
  const runId = command === "show" ? parsed.positionals[0] : undefined;
  const session = await openBus(env, `asp-${command}`);
  try {
    const onInvalid = (error: Error) => io.stderr.write(`skipped event: ${error.message}\n`);
    const entries = await loadRunHistory(session.connection, session.subjects, runId ? { runId, onInvalid } : { onInvalid });
    const json = parsed.values.json;
    if (command === "runs") {
      if (json) for (const entry of entries) io.stdout.write(`${JSON.stringify(runListingRow(entry))}\n`);
      else io.stdout.write(formatRunsTable(entries));
    } else if (command === "show") {
      const entry = entries[0];
      if (!entry) {
        io.stderr.write(`${unknownRunMessage(runId!, session.subjects.namespace)}\n`);
        return 1;
      }
      io.stdout.write(json ? `${JSON.stringify(entry)}\n` : formatRunDetail(entry));
    } else {
      const trends = computeTrends(entries);
      io.stdout.write(json ? `${JSON.stringify(trends)}\n` : formatTrends(trends));
    }
    return 0;
  } finally {
    await session.close();
  }
}
