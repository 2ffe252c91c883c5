import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z, type ZodType } from "zod";
import { createSubjects } from "../bus/subjects.ts";
import { designSchema } from "../schemas/design.ts";
import { eventSchema } from "../schemas/event.ts";
import { eventFamilies, extensionEventPrefix } from "../schemas/events/index.ts";
import { codeResultSchema, fileJobSchema, fileResultHeadersSchema } from "../schemas/file-job.ts";
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

/** The anchor GitHub gives a heading: lower case, punctuation other than - and _ dropped, spaces as -. */
const headingAnchor = (heading: string) => heading.toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-");
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

/**
 * The event catalogue (schemas/events/): every type, who emits it, what it means, and its data's
 * JSON Schema, family by family. Emitting a type outside it fails, so this list is complete.
 */
function eventCatalogueSection(): string[] {
  const families = eventFamilies.map((family) => ({ ...family, types: Object.keys(family.events) }));
  const parts = [
    "## Event catalogue",
    "",
    "Every event's `data` is validated against its type's schema in `schemas/events/` (one file per family) when it is emitted:",
    "an unknown type, data that fails the schema, or a field the schema does not name is refused with a ValidationError.",
    "Consumers (`asp watch`, the dashboard, `asp runs` / `asp show`, the postmortem, the budget guard) read events through",
    "the same catalogue (`readEvent`, `parseEventData`, `knownEvents`); an event that fails its schema is reported and skipped.",
    "",
    `Plug-ins emit their own types under \`${extensionEventPrefix}<plugin>.<name>\` (e.g. \`${extensionEventPrefix}license-check.scanned\`) with any JSON object as data;`,
    "the core stores them and reads nothing in them (decision 1310).",
    "",
    "About `llm.call`: the envelope's `agent` is the agent process that made the call (e.g. `review-security`), while `data.agent`",
    "is the call's identity, which picks its model and routes it in the model server, and may be finer: a reviewer's is",
    "`<reviewer>:<artefact>` (e.g. `review-security:code`). The postmortem's cost per agent groups by the envelope's `agent`.",
    "",
    "| family | event types |",
    "| --- | --- |",
    ...families.map((family) => `| ${family.name} | ${family.types.map((type) => `[\`${type}\`](#${headingAnchor(`Event ${type}`)})`).join(", ")} |`),
    "",
  ];
  for (const family of families) {
    parts.push(`### ${family.name}`, "", `Source: \`${family.source}\`.`, "");
    for (const type of family.types) {
      const entry = family.events[type]!;
      const jsonSchema = z.toJSONSchema(entry.data, { io: "input", unrepresentable: "any" });
      parts.push(
        `#### Event ${type}`,
        "",
        `${entry.description} Emitted by: ${entry.emittedBy}.${entry.openData ? " Fields beyond these are kept." : ""}`,
        "",
        fieldTable(jsonSchema as JsonSchemaNode),
        "",
        "<details><summary>JSON Schema</summary>",
        "",
        "```json",
        JSON.stringify(jsonSchema, null, 2),
        "```",
        "",
        "</details>",
        "",
      );
    }
  }
  return parts;
}

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  anyOf?: JsonSchemaNode[];
  enum?: unknown[];
  items?: JsonSchemaNode;
}

/** A short type name for the field table; the full shape is in the JSON Schema below it. */
function typeName(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((value) => JSON.stringify(value)).join(" \\| ");
  if (node.anyOf) return node.anyOf.map(typeName).join(" \\| ");
  if (node.type === "array") return `${node.items ? typeName(node.items) : "unknown"}[]`;
  if (Array.isArray(node.type)) return node.type.join(" \\| ");
  return node.type ?? "any";
}

function fieldTable(schema: JsonSchemaNode): string {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return "No fields.";
  const required = new Set(schema.required ?? []);
  const rows = properties.map(([name, node]) => {
    const description = (node.description ?? node.anyOf?.find((option) => option.description)?.description ?? "").replaceAll("|", "\\|").replaceAll("\n", " ");
    return `| \`${name}\` | ${typeName(node)} | ${required.has(name) ? "yes" : "no"} | ${description} |`;
  });
  return ["| field | type | required | meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
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
    ...eventCatalogueSection(),
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
