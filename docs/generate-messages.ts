import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z, type ZodType } from "zod";
import { createSubjects } from "../bus/subjects.ts";
import { designSchema } from "../schemas/design.ts";
import { eventSchema, eventTypes } from "../schemas/event.ts";
import { codeResultSchema, fileJobSchema, fileResultHeadersSchema } from "../schemas/file-job.ts";
import { llmCallSchema } from "../schemas/llm-call.ts";
import { manifestSchema } from "../schemas/manifest.ts";
import { pipelineSchema } from "../schemas/pipeline.ts";
import { planSchema } from "../schemas/plan.ts";
import { historyRecordSchema, postmortemSchema } from "../schemas/postmortem.ts";
import { reviewerReplySchema, reviewSchema } from "../schemas/review.ts";
import { reviewerJobSchema } from "../schemas/reviewer-job.ts";
import { gateDecisionReplySchema, gateDecisionRequestSchema, runRequestSchema, runStateSchema, runSummarySchema, stageInputSchema } from "../schemas/run.ts";
import { taskSchema } from "../schemas/task.ts";
import { testReportSchema } from "../schemas/test-report.ts";

/**
 * docs/messages.md is generated from the zod schemas the code validates with, so the document
 * cannot drift from the wire: `npm run docs:messages` rewrites it, `--check` fails when it is stale
 * (and a test runs the same comparison).
 */
interface MessageDoc {
  name: string;
  source: string;
  where: string;
  schema: ZodType;
}

const messages: MessageDoc[] = [
  { name: "Event envelope", source: "schemas/event.ts eventSchema", where: "`<ns>.events.<runId>.<agent>.<event>` (stream `<NS>_EVENTS`)", schema: eventSchema },
  { name: "llm.call event data", source: "schemas/llm-call.ts llmCallSchema", where: "`data` of every `llm.call` event", schema: llmCallSchema },
  { name: "Run request", source: "schemas/run.ts runRequestSchema", where: "`<ns>.jobs.orchestrator` (what `asp run` submits)", schema: runRequestSchema },
  { name: "Run summary", source: "schemas/run.ts runSummarySchema", where: "result of the orchestrator job; `data` of `run.completed` / `run.failed`", schema: runSummarySchema },
  { name: "Stage input", source: "schemas/run.ts stageInputSchema", where: "`<ns>.jobs.<stage agent>`: every stage's job (earlier outputs under their keys)", schema: stageInputSchema },
  { name: "Run state", source: "schemas/run.ts runStateSchema", where: "runs KV bucket `<ns>-runs`, key = run id", schema: runStateSchema },
  { name: "Gate decision request", source: "schemas/run.ts gateDecisionRequestSchema", where: "core request on `<ns>.control.<runId>.approve|reject`", schema: gateDecisionRequestSchema },
  { name: "Gate decision reply", source: "schemas/run.ts gateDecisionReplySchema", where: "reply to a gate decision request", schema: gateDecisionReplySchema },
  { name: "Task", source: "schemas/task.ts taskSchema", where: "task files (`asp run TASK`) and `task` of run requests", schema: taskSchema },
  { name: "Pipeline", source: "schemas/pipeline.ts pipelineSchema", where: "pipelines/*.yaml", schema: pipelineSchema },
  { name: "Plan", source: "schemas/plan.ts planSchema", where: "output of the planning stage (`plan`)", schema: planSchema },
  { name: "Design", source: "schemas/design.ts designSchema", where: "output of the design stage (`design`)", schema: designSchema },
  { name: "Reviewer job", source: "schemas/reviewer-job.ts reviewerJobSchema", where: "`<ns>.jobs.review-<specialty>`: built-in and plug-in reviewers", schema: reviewerJobSchema },
  { name: "Reviewer reply", source: "schemas/review.ts reviewerReplySchema", where: "result of a reviewer job", schema: reviewerReplySchema },
  { name: "Review", source: "schemas/review.ts reviewSchema", where: "output of design-review and code-review (`designReview`, `codeReview`)", schema: reviewSchema },
  { name: "Manifest", source: "schemas/manifest.ts manifestSchema", where: "what the code agent's model returns (structured)", schema: manifestSchema },
  { name: "File job", source: "schemas/file-job.ts fileJobSchema", where: "`<ns>.jobs.file-writer`", schema: fileJobSchema },
  { name: "File result headers", source: "schemas/file-job.ts fileResultHeadersSchema", where: "headers of a file-writer result; the body is the file's raw bytes", schema: fileResultHeadersSchema },
  { name: "Code result", source: "schemas/file-job.ts codeResultSchema", where: "output of the code stage (`code`)", schema: codeResultSchema },
  { name: "Test report", source: "schemas/test-report.ts testReportSchema", where: "output of the test stage (`testReport`)", schema: testReportSchema },
  { name: "Postmortem", source: "schemas/postmortem.ts postmortemSchema", where: "output of the postmortem stage (`postmortem`)", schema: postmortemSchema },
  { name: "History record", source: "schemas/postmortem.ts historyRecordSchema", where: "history KV bucket `<ns>-history`, key = run id", schema: historyRecordSchema },
];

const anchor = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

function subjectsTable(): string {
  const subjects = createSubjects("asp");
  const rows = [
    ["jobs", subjects.job("_agent_"), `JetStream work queue (stream ${subjects.jobsStream}), one durable pull consumer per agent`],
    ["results", subjects.result("_runId_", "_agent_", "_jobId_"), `JetStream (stream ${subjects.resultsStream}): the durable result of one job`],
    ["events", subjects.event("_runId_", "_agent_", "_event_"), `JetStream (stream ${subjects.eventsStream}): every lifecycle event; replayed by watchers`],
    ["direct", subjects.direct("_agent_"), "core NATS service endpoint: request/reply without the queue (asp call)"],
    ["job stats", subjects.jobStats("_agent_"), "core NATS service endpoint \"jobs\": its $SRV.STATS counters are the work queue's jobs"],
    ["control", subjects.control("_runId_", "_command_"), "core NATS: human gate decisions (approve, reject)"],
    ["services", "$SRV.PING / $SRV.INFO / $SRV.STATS", "every agent process is a NATS service named after the agent, metadata {namespace, instance}"],
    ["runs KV", subjects.runsBucket, "run state machines"],
    ["history KV", subjects.historyBucket, "finished runs, for PROBE"],
    ["artifacts", subjects.artifactsBucket, "object store: generated files, large payloads"],
  ];
  // The subject builders refuse "<" in tokens, so placeholders go in as _name_ and come out as <name>.
  const placeholder = (subject: string) => subject.replace(/_(\w+?)_/g, "<$1>");
  return ["| what | subject / bucket (namespace `asp`) | kind |", "| --- | --- | --- |", ...rows.map(([what, subject, kind]) => `| ${what} | \`${placeholder(subject!)}\` | ${kind} |`)].join("\n");
}

export function generateMessagesDoc(): string {
  const parts = [
    "# Messages and subjects",
    "",
    "<!-- Generated by `npm run docs:messages` (docs/generate-messages.ts) from the zod schemas. Do not edit by hand. -->",
    "",
    "Every message on the bus is validated with a zod schema in `schemas/`, by the publisher and by the consumer.",
    "The JSON Schemas below are produced from those schemas (`z.toJSONSchema`, input side: defaults may be left out).",
    "",
    "## Subjects",
    "",
    subjectsTable(),
    "",
    "## Well-known event types",
    "",
    [...new Set<string>([...Object.values(eventTypes), "file.started", "file.failed", "manifest.ready", "manifest.rejected", "code.waves", "code.cycle", "review.reviewer_failed", "plan.ready", "tests.finished", "stage.failed", "gate.waiting", "gate.decided", "run.budget_exceeded", "run.resumed", "run.attempt_started", "file.reused"])].map((type) => `\`${type}\``).join(", "),
    "",
    "## Message schemas",
    "",
    ...messages.map((message) => `- [${message.name}](#${anchor(message.name)}): ${message.where}`),
    "",
  ];
  for (const message of messages) {
    const jsonSchema = z.toJSONSchema(message.schema, { io: "input", unrepresentable: "any" });
    parts.push(`### ${message.name}`, "", `Source: \`${message.source}\`. Where: ${message.where}.`, "", "```json", JSON.stringify(jsonSchema, null, 2), "```", "");
  }
  return parts.join("\n");
}

export const messagesDocPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "messages.md");

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (invokedDirectly) {
  const generated = generateMessagesDoc();
  if (process.argv.includes("--check")) {
    const committed = await readFile(messagesDocPath, "utf8").catch(() => "");
    if (committed !== generated) {
      process.stderr.write("docs/messages.md is out of date: run npm run docs:messages\n");
      process.exitCode = 1;
    }
  } else {
    await writeFile(messagesDocPath, generated);
    process.stdout.write(`wrote ${path.relative(process.cwd(), messagesDocPath)} (${messages.length} schemas)\n`);
  }
}
