import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPipelineHarness, type PipelineHarness } from "./support/pipeline-harness.ts";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const scenario = "examples/hello-python/scenario.yaml";
// The task the scenario answers: the fleet serves the scenario, the MCP client submits the task.
const taskFile = "examples/hello-python/task.yaml";
const approvalPipeline = path.resolve(projectRoot, "tests/fixtures/pipelines/approval.yaml");

interface McpSession {
  client: Client;
  /** Errors the client saw on the wire: a stray line on the server's stdout would land here. */
  transportErrors: Error[];
  stderr(): string;
  close(): Promise<void>;
}

/** `asp mcp` as an MCP client starts it: a child process on stdio, driven by the SDK's own client. */
async function startMcpServer(env: Record<string, string>): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["--import", "tsx", "cli/main.ts", "mcp"],
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: "asp-mcp-test", version: "1.0.0" });
  const transportErrors: Error[] = [];
  client.onerror = (error) => void transportErrors.push(error);
  await client.connect(transport);
  return { client, transportErrors, stderr: () => stderr, close: () => client.close() };
}

const text = (result: CallToolResult) => result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
const call = async (session: McpSession, name: string, args: Record<string, unknown> = {}) => (await session.client.callTool({ name, arguments: args })) as CallToolResult;

/** Calls run_status until the run's status is one of `statuses`, then returns that status result. */
async function pollStatus(session: McpSession, runId: string, statuses: string[], timeoutMs = 150_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, any> | undefined;
  while (Date.now() < deadline) {
    const result = await call(session, "run_status", { runId });
    expect(result.isError, text(result)).toBeFalsy();
    last = result.structuredContent as Record<string, any>;
    if (statuses.includes(last.status)) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`run ${runId} did not reach ${statuses.join("/")} within ${timeoutMs} ms (last: ${JSON.stringify(last?.status)})`);
}

let harness: PipelineHarness;
let session: McpSession;
beforeAll(async () => {
  harness = await startPipelineHarness({ scenario, writers: 1 });
  session = await startMcpServer(harness.env);
}, 120_000);
afterAll(async () => {
  await session?.close();
  await harness?.[Symbol.asyncDispose]();
});

describe("asp mcp", () => {
  it("lists its tools and resource templates", async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["approve_gate", "list_agents", "list_runs", "reject_gate", "run_report", "run_status", "submit_task"]);
    const submit = tools.find((tool) => tool.name === "submit_task")!;
    expect(Object.keys(submit.inputSchema.properties ?? {}).sort()).toEqual(["budgetUsd", "pipeline", "task", "writers"]);
    expect(submit.inputSchema.required).toEqual(["task"]);
    const { resourceTemplates } = await session.client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate).sort()).toEqual(["asp://runs/{runId}/events.ndjson", "asp://runs/{runId}/reports/{report}"]);
  });

  it("submits the hello-python task to the running fleet, follows it to passed and reads its postmortem", async () => {
    const submitted = await call(session, "submit_task", { task: taskFile, budgetUsd: 5 });
    expect(submitted.isError, text(submitted)).toBeFalsy();
    const { runId, status, fileWriters } = submitted.structuredContent as { runId: string; status: string; fileWriters: number };
    expect(runId).toMatch(/^hello-python-/);
    // The tool returns once the orchestrator took the run, long before the run is over.
    expect(status).toBe("running");
    expect(fileWriters).toBe(1);

    const finished = await pollStatus(session, runId, ["passed", "failed", "error"]);
    expect(finished.status, JSON.stringify(finished)).toBe("passed");
    expect(finished.stages.map((stage: { stage: string }) => stage.stage)).toEqual(expect.arrayContaining(["planning", "design", "design-review", "code", "code-review", "test", "postmortem"]));
    expect(finished.reports).toEqual(["plan", "design", "design-review", "code-review", "test-report", "postmortem"]);

    const postmortem = await call(session, "run_report", { runId, report: "postmortem" });
    expect(postmortem.isError, text(postmortem)).toBeFalsy();
    expect(text(postmortem)).toContain(`# Postmortem of run ${runId}`);
    expect(text(postmortem)).toContain("**Outcome:** passed");

    const resource = await session.client.readResource({ uri: `asp://runs/${runId}/reports/postmortem` });
    expect(resource.contents[0]).toMatchObject({ uri: `asp://runs/${runId}/reports/postmortem`, mimeType: "text/markdown", text: text(postmortem) });

    const events = await session.client.readResource({ uri: `asp://runs/${runId}/events.ndjson` });
    const lines = String((events.contents[0] as { text?: string }).text).trim().split("\n").map((line) => JSON.parse(line) as { runId: string; type: string });
    expect(lines.every((event) => event.runId === runId)).toBe(true);
    expect(lines.map((event) => event.type)).toEqual(expect.arrayContaining(["run.started", "llm.call", "file.written", "run.completed"]));

    const listed = await call(session, "list_runs");
    const runs = (listed.structuredContent as { runs: Array<{ runId: string; status: string }> }).runs;
    expect(runs.find((run) => run.runId === runId)?.status).toBe("passed");

    const { resources } = await session.client.listResources();
    expect(resources.map((entry) => entry.uri)).toEqual(expect.arrayContaining([`asp://runs/${runId}/reports/postmortem`, `asp://runs/${runId}/events.ndjson`]));
  }, 200_000);

  it("approves a run waiting at a human gate, and refuses the wrong gate with the orchestrator's words", async () => {
    const submitted = await call(session, "submit_task", { task: taskFile, pipeline: approvalPipeline });
    expect(submitted.isError, text(submitted)).toBeFalsy();
    const { runId } = submitted.structuredContent as { runId: string };

    const waiting = await pollStatus(session, runId, ["waiting", "passed", "failed", "error"], 90_000);
    expect(waiting.status).toBe("waiting");
    expect(waiting.waitingAtGate).toMatchObject({ gate: "design-review", round: 1 });

    const wrongGate = await call(session, "approve_gate", { runId, gate: "code-review" });
    expect(wrongGate.isError).toBe(true);
    expect(text(wrongGate)).toBe(`run ${runId} is waiting at gate design-review, not code-review`);

    const approved = await call(session, "approve_gate", { runId, gate: "design-review", note: "looks good" });
    expect(approved.isError, text(approved)).toBeFalsy();
    expect(approved.structuredContent).toMatchObject({ runId, gate: "design-review", decision: "approve", message: `approved gate design-review of run ${runId}` });

    const finished = await pollStatus(session, runId, ["passed", "failed", "error"]);
    expect(finished.status, JSON.stringify(finished)).toBe("passed");
    const postmortem = text(await call(session, "run_report", { runId, report: "postmortem" }));
    expect(postmortem).toMatch(/design-review round 1: APPROVED \(looks good\) \(\S+@\S+ \(mcp\)\)/);

    const again = await call(session, "approve_gate", { runId, gate: "design-review" });
    expect(again.isError).toBe(true);
    expect(text(again)).toBe(`run ${runId} is not waiting at a gate (it is passed)`);
  }, 200_000);

  it("rejects a run waiting at a human gate: the run fails with who rejected it and why", async () => {
    const submitted = await call(session, "submit_task", { task: taskFile, pipeline: approvalPipeline });
    const { runId } = submitted.structuredContent as { runId: string };
    const waiting = await pollStatus(session, runId, ["waiting", "passed", "failed", "error"], 90_000);
    expect(waiting.status).toBe("waiting");
    const rejected = await call(session, "reject_gate", { runId, gate: "design-review", note: "needs auth" });
    expect(rejected.isError, text(rejected)).toBeFalsy();
    expect(rejected.structuredContent).toMatchObject({ decision: "reject", message: `rejected gate design-review of run ${runId}` });
    const finished = await pollStatus(session, runId, ["passed", "failed", "error"]);
    expect(finished.status).toBe("failed");
    expect(finished.reason).toMatch(/^the design-review gate was rejected by \S+ \(mcp\): needs auth$/);
  }, 200_000);

  it("answers bad arguments with tool errors in the CLI's words, and stays up", async () => {
    const unknownRun = await call(session, "run_status", { runId: "no-such-run" });
    expect(unknownRun.isError).toBe(true);
    expect(text(unknownRun)).toBe(`no run no-such-run in namespace ${harness.namespace}`);

    const missingTask = await call(session, "submit_task", { task: "examples/no-such-task.yaml" });
    expect(missingTask.isError).toBe(true);
    expect(text(missingTask)).toBe("the task file examples/no-such-task.yaml does not exist");

    const unknownReport = await call(session, "run_report", { runId: "no-such-run", report: "postmortem" });
    expect(unknownReport.isError).toBe(true);
    expect(text(unknownReport)).toBe(`no run no-such-run in namespace ${harness.namespace}`);

    const badRunId = await call(session, "run_status", { runId: "not a token" });
    expect(badRunId.isError).toBe(true);
    expect(text(badRunId)).toContain(`run id "not a token" is not a valid subject token`);

    const wrongWriters = await call(session, "submit_task", { task: taskFile, writers: 3 });
    expect(wrongWriters.isError).toBe(true);
    expect(text(wrongWriters)).toContain("the fleet runs 1 file-writer(s), not 3");

    const badBudget = await call(session, "submit_task", { task: taskFile, budgetUsd: -1 });
    expect(badBudget.isError).toBe(true);
    expect(text(badBudget)).toContain("budgetUsd");

    await expect(session.client.readResource({ uri: "asp://runs/no-such-run/events.ndjson" })).rejects.toThrow(`no run no-such-run in namespace ${harness.namespace}`);

    // Still up: the next call succeeds.
    const agents = await call(session, "list_agents");
    expect(agents.isError, text(agents)).toBeFalsy();
    const counts = (agents.structuredContent as { counts: Record<string, number> }).counts;
    expect(counts).toMatchObject({ orchestrator: 1, "file-writer": 1, postmortem: 1 });
    expect(session.transportErrors).toEqual([]);
  }, 60_000);

  it("without a fleet, every tool says so as a tool error", async () => {
    const emptyDataDirectory = await mkdtemp(path.join(tmpdir(), "asp-mcp-nofleet-"));
    const lonely = await startMcpServer({ ASP_DATA_DIR: emptyDataDirectory });
    try {
      for (const [name, args] of [["list_runs", {}], ["submit_task", { task: taskFile }], ["list_agents", {}]] as const) {
        const result = await call(lonely, name, args);
        expect(result.isError, name).toBe(true);
        expect(text(result)).toBe("no fleet running: set NATS_URL, or start one here with 'asp up'");
      }
      expect(lonely.stderr()).toContain("asp mcp serving on stdio");
    } finally {
      await lonely.close();
      await rm(emptyDataDirectory, { recursive: true, force: true });
    }
  }, 30_000);
});
