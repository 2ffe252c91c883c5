import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { replayEvents } from "../../../bus/events.ts";
import { discoverAgents, fleetIsRunning } from "../../fleet-discovery.ts";
import { loadTask } from "../../load-task.ts";
import { startRun } from "../../start-run.ts";
import { newRunRequest, noOrchestratorMessage } from "../../submit-request.ts";
import type { FleetSession } from "../fleet-connector.ts";
import type { ToolContext } from "../tool-context.ts";
import { answer, jsonResult } from "../tool-results.ts";

/** How long the tool waits for the orchestrator to take the run, so the run id it returns is one the status tool knows. */
const acceptanceTimeoutMs = 15_000;

const inputSchema = {
  task: z.string().min(1).describe("A task file (YAML or JSON, path relative to the server's working folder or absolute), or the task described in words"),
  budgetUsd: z.number().positive().optional().describe("Stop the run cleanly before a model call would spend more than this many US dollars"),
  writers: z.number().int().min(1).max(64).optional().describe("The file-writer instances the run needs; the fleet's pool was sized when it started (asp up --writers N), so a different number is refused"),
  pipeline: z.string().min(1).optional().describe("A pipeline name in the orchestrator's ASP_PIPELINES_DIR, or a pipeline file (default: default)"),
};

/** Resolves once the run's first event (run.started) is stored, or with false after the timeout. */
async function runStarted(session: FleetSession, runId: string): Promise<boolean> {
  let started!: () => void;
  const seen = new Promise<void>((resolve) => (started = resolve));
  const replay = await replayEvents({ connection: session.connection, subjects: session.subjects, runId, type: "run.started", follow: true, onEvent: () => started() });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), acceptanceTimeoutMs)));
  try {
    return await Promise.race([seen.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
    await replay.stop();
  }
}

/** The writers a caller asks for must be the fleet's: a run cannot resize a pool other runs share. */
async function checkWriters(session: FleetSession, writers: number | undefined): Promise<number> {
  const pool = (await discoverAgents(session.connection, session.subjects, { name: "file-writer", maxWaitMs: 500 }).catch(() => [])).length;
  if (writers !== undefined && writers !== pool) {
    throw new Error(`the fleet runs ${pool} file-writer(s), not ${writers}: writers are chosen when the fleet starts (asp up --writers ${writers}); leave writers out to use the fleet's`);
  }
  return pool;
}

export function registerSubmitTaskTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "submit_task",
    {
      title: "Submit a task",
      description:
        "Submit a task to the running asp fleet (the agents plan, design, review, code, review, test and write a postmortem). Returns the run id once the orchestrator has taken the run, without waiting for it to finish: follow it with run_status.",
      inputSchema,
    },
    (input) =>
      answer(context.logger, "submit_task", async () => {
        // The task first: a missing task file is the caller's mistake whether or not a fleet runs.
        const task = await loadTask(input.task);
        const session = await context.fleet.session();
        if (!(await fleetIsRunning(session.connection, session.subjects))) throw new Error(noOrchestratorMessage(session.natsUrl, session.subjects.namespace));
        const fileWriters = await checkWriters(session, input.writers);
        const request = newRunRequest(task, { ...(input.pipeline ? { pipeline: input.pipeline } : {}), ...(input.budgetUsd ? { budgetUsd: input.budgetUsd } : {}) });
        await startRun({ connection: session.connection, subjects: session.subjects, logger: context.logger, request });
        context.logger.info({ runId: request.runId }, "submitted run");
        const started = await runStarted(session, request.runId);
        return jsonResult({
          runId: request.runId,
          status: started ? "running" : "queued",
          title: task.title,
          pipeline: request.pipeline,
          ...(request.budgetUsd ? { budgetUsd: request.budgetUsd } : {}),
          fileWriters,
          natsUrl: session.natsUrl,
          namespace: session.subjects.namespace,
          ...(started ? {} : { note: `the orchestrator has not started the run within ${acceptanceTimeoutMs / 1000} s (it may be busy); it is queued and run_status will know it once it starts` }),
        });
      }),
  );
}
