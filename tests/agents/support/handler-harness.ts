import { mkdtemp, readFile, rm, writeFile, cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { toCodec } from "../../../bus/codec.ts";
import type { JobContext } from "../../../bus/define-agent.ts";
import type { JobClient, JobReply, RequestOptions } from "../../../bus/job-client.ts";
import type { Subjects } from "../../../bus/subjects.ts";
import { createLogger } from "../../../logging/logger.ts";
import { createPromptStore, type PromptStore } from "../../../prompts/prompt-store.ts";
import type { AgentDeps } from "../../../agents/shared/agent-deps.ts";
import type { ArtifactStore } from "../../../agents/shared/artifact-store.ts";
import { fileWriterAgent } from "../../../agents/file-writer/agent.ts";
import { defineReviewer } from "../../../agents/reviewer/agent.ts";
import type { FileJob } from "../../../schemas/file-job.ts";
import type { ScenarioInput } from "../../../simulator/index.ts";
import { startSimulatedModel, type SimulatedModel } from "../../llm/support/simulated-model.ts";
import { checkEmittedData } from "../../../schemas/events/index.ts";

export interface RecordedEvent {
  agent: string;
  jobId: string;
  type: string;
  data: Record<string, unknown>;
}

/** One file job as the code agent sent it, and when its writer started and finished (a sequence number, not a time). */
export interface RecordedFileJob {
  jobId: string;
  input: FileJob;
  started: number;
  finished?: number;
}

export interface HandlerHarness extends AsyncDisposable {
  model: SimulatedModel;
  events: RecordedEvent[];
  fileJobs: RecordedFileJob[];
  artifacts: Map<string, string>;
  /** A job context for one handler call, with these deps; the code agent's file jobs run the real file-writer handler. */
  context(options?: { jobId?: string; runId?: string; agent?: string; attempt?: number }): JobContext<AgentDeps>;
  eventsOfType(type: string): RecordedEvent[];
  /** The simulator's requests for one file, in order. */
  fileRequests(file: string): Array<{ round: number | null; text: string }>;
}

/** Every text of a request as the model saw it: system, each message's text blocks, tool inputs and results. */
export function requestText(request: unknown): string {
  const body = request as { system?: unknown; messages?: Array<{ content: unknown }> };
  const parts: string[] = [];
  const visit = (value: unknown) => {
    if (typeof value === "string") parts.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") {
      const block = value as Record<string, unknown>;
      if (typeof block.text === "string") parts.push(block.text);
      if (block.input !== undefined) parts.push(JSON.stringify(block.input));
      if (block.content !== undefined) visit(block.content);
    }
  };
  visit(body.system);
  for (const message of body.messages ?? []) visit(message.content);
  return parts.join("\n");
}

const repositoryPrompts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../prompts");

/** A copy of prompts/ in a temporary folder with `{{placeholder}}` removed from one prompt: a negative control. */
export async function promptsWithout(prompt: string, placeholder: string): Promise<{ directory: string } & AsyncDisposable> {
  const directory = await mkdtemp(path.join(tmpdir(), "asp-prompts-"));
  await cp(repositoryPrompts, directory, { recursive: true });
  const file = path.join(directory, `${prompt}.v1.md`);
  const text = await readFile(file, "utf8");
  if (!text.includes(`{{${placeholder}}}`)) throw new Error(`${prompt} has no {{${placeholder}}} to remove`);
  await writeFile(file, text.replaceAll(`{{${placeholder}}}`, ""));
  return { directory, [Symbol.asyncDispose]: () => rm(directory, { recursive: true, force: true }) };
}

/**
 * The smallest honest stand-in for the bus around one handler: the model is the real model layer over the
 * real SDK against the simulator (so re-asks, prompt blocks and headers are the real ones); a file job goes
 * through its codecs to the real file-writer handler; artifacts live in a map; events are recorded in order.
 * A file job whose id was answered before gets its stored answer back, as the job client's stored results do.
 */
export async function startHandlerHarness(options: { scenario: ScenarioInput; promptsDirectory?: string; maxAttempts?: number; codeWriteOrder?: AgentDeps["codeWriteOrder"] }): Promise<HandlerHarness> {
  const model = await startSimulatedModel({ scenario: options.scenario, ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) });
  const prompts: PromptStore = createPromptStore(options.promptsDirectory);
  const events: RecordedEvent[] = [];
  const fileJobs: RecordedFileJob[] = [];
  const artifacts = new Map<string, string>();
  const storedResults = new Map<string, { data: Uint8Array; headers: Record<string, string> }>();
  const logger = createLogger({ name: "handler-test", level: "silent" });
  let sequence = 0;
  const writerInput = toCodec(fileWriterAgent.input);
  const writerOutput = toCodec(fileWriterAgent.output);

  const artifactStore: ArtifactStore = {
    async put(name, content) {
      artifacts.set(name, typeof content === "string" ? content : new TextDecoder().decode(content));
    },
    async get(name) {
      const text = artifacts.get(name);
      return text === undefined ? undefined : new TextEncoder().encode(text);
    },
    async getText(name) {
      return artifacts.get(name);
    },
  };

  const context = (contextOptions: { jobId?: string; runId?: string; agent?: string; attempt?: number } = {}): JobContext<AgentDeps> => {
    const runId = contextOptions.runId ?? "run-1";
    const jobId = contextOptions.jobId ?? `${runId}-job`;
    const agent = contextOptions.agent ?? "code";
    return {
      runId,
      traceId: `trace-${runId}`,
      jobId,
      agent,
      attempt: contextOptions.attempt ?? 1,
      instanceId: `${agent}-instance`,
      headers: {},
      deps,
      logger,
      clock: { now: () => performance.now() } as JobContext["clock"],
      signal: new AbortController().signal,
      async emit(type, data) {
        // Held to the catalogue as the runtime holds it: a handler emitting data its schema refuses fails its test.
        events.push({ agent, jobId, type, data: checkEmittedData(type, data) });
      },
      working() {},
    };
  };

  const jobs: JobClient = {
    async request<I, O>(agent: string, input: I, requestOptions: RequestOptions<I, O>): Promise<JobReply<O>> {
      if (agent.startsWith("review-")) {
        // A gate's reviewer job: through its codecs to the real reviewer handler; a failure reaches the gate as the job client's error would.
        const reviewer = defineReviewer(agent.slice("review-".length));
        const encoded = requestOptions.inputCodec.encode(input);
        const job = toCodec(reviewer.input).decode(encoded.data, encoded.headers);
        const reply = await reviewer.handle(job, context({ runId: requestOptions.runId, jobId: requestOptions.jobId ?? agent, agent }));
        const result = toCodec(reviewer.output).encode(reply);
        return { output: requestOptions.outputCodec.decode(result.data, result.headers ?? {}), headers: result.headers ?? {}, jobId: requestOptions.jobId ?? agent };
      }
      if (agent !== "file-writer") throw new Error(`the handler harness runs only file-writer and reviewer jobs, not ${agent}`);
      const jobId = requestOptions.jobId ?? `job-${sequence}`;
      let stored = storedResults.get(jobId);
      if (!stored) {
        const encoded = requestOptions.inputCodec.encode(input);
        const job: FileJob = writerInput.decode(encoded.data, encoded.headers);
        const record: RecordedFileJob = { jobId, input: job, started: ++sequence };
        fileJobs.push(record);
        const output = await fileWriterAgent.handle(job, context({ runId: requestOptions.runId, jobId, agent: "file-writer" }));
        const result = writerOutput.encode(output);
        stored = { data: result.data, headers: result.headers ?? {} };
        storedResults.set(jobId, stored);
        record.finished = ++sequence;
      }
      return { output: requestOptions.outputCodec.decode(stored.data, stored.headers), headers: stored.headers, jobId };
    },
    async submit() {
      throw new Error("not used by the code agent");
    },
    async awaitResult() {
      throw new Error("not used by the code agent");
    },
  };

  const deps: AgentDeps = {
    model: model.client,
    prompts,
    jobs,
    artifacts: artifactStore,
    history: { async list() { return []; } } as unknown as AgentDeps["history"],
    budget: { async check() {}, async spent() { return 0; }, close() {} },
    subjects: {} as Subjects,
    ...(options.codeWriteOrder ? { codeWriteOrder: options.codeWriteOrder } : {}),
    readRunEvents: async () => [],
  };

  return {
    model,
    events,
    fileJobs,
    artifacts,
    context,
    eventsOfType: (type) => events.filter((event) => event.type === type),
    fileRequests: (file) =>
      model.simulator
        .transcript()
        .filter((entry) => entry.file === file && entry.status === 200)
        .map((entry) => ({ round: entry.round, text: requestText(entry.request) })),
    [Symbol.asyncDispose]: () => model[Symbol.asyncDispose](),
  };
}
