import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { availableReports } from "../../run-reports.ts";
import type { RunHistoryEntry } from "../../watch/run-history.ts";
import { findRun } from "../run-lookup.ts";
import type { ToolContext } from "../tool-context.ts";
import { answer, jsonResult } from "../tool-results.ts";

/** A run's status as an assistant polls it: where it is, what each stage did, what it waits for, which reports exist. */
export function runStatus(entry: RunHistoryEntry): Record<string, unknown> {
  const view = entry.view;
  const waiting = entry.state?.waiting ?? view?.waiting;
  return {
    runId: entry.runId,
    title: entry.title,
    status: entry.status,
    ...(entry.reason ? { reason: entry.reason } : {}),
    ...(waiting ? { waitingAtGate: { gate: waiting.stage, ...waiting } } : {}),
    startedAt: entry.startedAt,
    ...(entry.finishedAt ? { finishedAt: entry.finishedAt } : {}),
    ...(entry.durationMs !== undefined ? { durationMs: entry.durationMs } : {}),
    costUsd: entry.costUsd,
    tokens: entry.tokens,
    files: entry.files,
    plannedStages: view?.plannedStages ?? [],
    stages: (view?.stages ?? []).map((stage) => ({
      stage: stage.stage,
      round: stage.round,
      status: stage.status,
      ...(stage.durationMs !== undefined ? { durationMs: stage.durationMs } : {}),
      ...(stage.verdict ? { verdict: stage.verdict } : {}),
      ...(stage.error ? { error: stage.error } : {}),
    })),
    gates: entry.verdicts,
    ...(view?.tests ? { tests: view.tests } : {}),
    reports: entry.state ? availableReports(entry.state) : [],
  };
}

export function registerRunStatusTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "run_status",
    {
      title: "Run status",
      description: "A run's status (running, waiting, passed, failed, error), its stages with rounds, verdicts and times, the gate it waits at, its cost and the reports it has so far.",
      inputSchema: { runId: z.string().min(1).describe("The run id submit_task or list_runs gave") },
      annotations: { readOnlyHint: true },
    },
    ({ runId }) => answer(context.logger, "run_status", async () => jsonResult(runStatus(await findRun(context, runId)))),
  );
}
