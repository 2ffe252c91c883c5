import type { ZodType } from "zod";
import { ModelError } from "../errors/index.ts";
import type { LlmCallRecord } from "../schemas/llm-call.ts";
import type { CallOptions, ModelClient } from "./client.ts";
import { defaultModel } from "./config.ts";
import { stripWrappingFence } from "./fence.ts";
import { costOf } from "./pricing.ts";
import { describeIssues, type StructuredRequest } from "./structured-output.ts";
import type { TextRequest } from "./text-output.ts";

/** One request as an agent made it: what it told the model, and for which purpose. */
export interface RecordedModelCall {
  kind: "structured" | "text";
  agent: string;
  system: string;
  prompt: string;
  cachedContext?: string;
  /** Structured calls: the tool the answer is submitted through, and the schema it must fit. */
  toolName?: string;
  toolDescription?: string;
  schema?: ZodType;
  /** Text calls: the file being written. */
  file?: string;
  round?: number;
  runId?: string;
  maxTokens?: number;
  allowEmpty?: boolean;
  /** 1 for the first reply of a call; 2 and more for a re-ask after a rejected reply. */
  reply: number;
  /** Why the previous reply was rejected (schema errors, the agent's own rules); what a re-ask tells the model. */
  problems: string[];
  /** Everything above that the model reads, in one string, for `toContain` assertions. */
  text: string;
}

/** An answer with the usage it reports (tokens), when a test checks figures summed from llm.call events. */
export interface ScriptedReply {
  readonly scriptedReply: true;
  value: unknown;
  usage?: Partial<Pick<LlmCallRecord, "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens">>;
}

export function scriptedReply(value: unknown, usage?: ScriptedReply["usage"]): ScriptedReply {
  return { scriptedReply: true, value, ...(usage ? { usage } : {}) };
}

/** Answers one call: the structured value or the text; throwing (or returning an Error) fails the call. */
export type ModelAnswerer = (call: RecordedModelCall) => unknown;
/**
 * A function of the request; a queue of answers taken in order; or either per agent, keyed by the agent
 * name a call carries ("review-security:code") or by its part before the colon ("review-security").
 */
export type ModelScript = ModelAnswerer | unknown[] | Record<string, ModelAnswerer | unknown[]>;

export interface RecordingModel extends ModelClient {
  calls: RecordedModelCall[];
  callsOf(agent: string): RecordedModelCall[];
}

function isScriptedReply(value: unknown): value is ScriptedReply {
  return typeof value === "object" && value !== null && (value as ScriptedReply).scriptedReply === true;
}

/** Rejects with the signal's reason when it aborts first: a cancelled job drops its model call, as with the SDK. */
function abortable<T>(value: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return value;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    value.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * A ModelClient in the process that answers from a script and records every call, so a handler's unit
 * test asserts what the agent told the model and can make a good answer depend on it. It keeps the
 * client's contract, not the HTTP: a structured answer is checked by the request's schema and its
 * `validate` rules and re-asked with the problems (up to maxValidationAttempts), a text answer loses a
 * wrapping fence and may be empty only when allowed, and every reply becomes an `llm.call` record.
 */
export function createRecordingModel(script: ModelScript, options: { model?: string } = {}): RecordingModel {
  const calls: RecordedModelCall[] = [];
  const queues = new Map<string, unknown[]>();
  const modelName = options.model ?? defaultModel;

  const answererFor = (agent: string): ModelAnswerer => {
    if (typeof script === "function") return script;
    const keyed = Array.isArray(script) ? { "*": script } : script;
    const key = [agent, agent.split(":")[0]!, "*"].find((candidate) => keyed[candidate] !== undefined);
    const entry = key === undefined ? undefined : keyed[key];
    if (typeof entry === "function") return entry;
    if (Array.isArray(entry)) {
      if (!queues.has(key!)) queues.set(key!, [...entry]);
      const queue = queues.get(key!)!;
      return (call) => {
        if (queue.length === 0) throw new Error(`the recording model's script for ${key} has no answer left for call ${calls.length} (${call.agent})`);
        return queue.shift();
      };
    }
    return (call) => {
      throw new Error(`the recording model has no script for agent ${call.agent}`);
    };
  };

  async function answer(call: RecordedModelCall, signal: AbortSignal | undefined): Promise<ScriptedReply> {
    calls.push(call);
    const value = await abortable(Promise.resolve().then(() => answererFor(call.agent)(call)), signal);
    if (value instanceof Error) throw value;
    return isScriptedReply(value) ? value : scriptedReply(value);
  }

  async function record(request: { agent: string; file?: string; onCall?: (record: LlmCallRecord) => void | Promise<void> }, call: RecordedModelCall, reply: ScriptedReply, purpose: LlmCallRecord["purpose"]): Promise<LlmCallRecord> {
    const written = typeof reply.value === "string" ? reply.value : JSON.stringify(reply.value ?? null);
    const usage = {
      inputTokens: reply.usage?.inputTokens ?? Math.ceil(call.text.length / 4),
      outputTokens: reply.usage?.outputTokens ?? Math.ceil(written.length / 4),
      cacheReadTokens: reply.usage?.cacheReadTokens ?? 0,
      cacheWriteTokens: reply.usage?.cacheWriteTokens ?? 0,
    };
    const cost = costOf(modelName, usage);
    const entry: LlmCallRecord = {
      agent: request.agent,
      model: modelName,
      purpose,
      attempt: call.reply,
      ok: true,
      stopReason: purpose === "structured" ? "tool_use" : "end_turn",
      ...usage,
      costUsd: cost.usd,
      latencyMs: 0,
      streaming: false,
      ...(request.file !== undefined ? { file: request.file } : {}),
    };
    await request.onCall?.(entry);
    return entry;
  }

  const describe = (parts: Array<string | undefined>) => parts.filter((part): part is string => Boolean(part)).join("\n");

  return {
    calls,
    callsOf: (agent) => calls.filter((call) => call.agent === agent || call.agent.split(":")[0] === agent),
    modelFor: () => modelName,

    async structured<T>({ signal, ...request }: StructuredRequest<T> & CallOptions) {
      const replies = Math.max(1, request.maxValidationAttempts ?? 3);
      const records: LlmCallRecord[] = [];
      let problems: string[] = [];
      for (let reply = 1; reply <= replies; reply++) {
        const call: RecordedModelCall = {
          kind: "structured",
          agent: request.agent,
          system: request.system,
          prompt: request.prompt,
          ...(request.cachedContext !== undefined ? { cachedContext: request.cachedContext } : {}),
          toolName: request.toolName,
          ...(request.toolDescription !== undefined ? { toolDescription: request.toolDescription } : {}),
          schema: request.schema,
          ...(request.round !== undefined ? { round: request.round } : {}),
          ...(request.runId !== undefined ? { runId: request.runId } : {}),
          ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
          reply,
          problems,
          text: describe([request.system, request.cachedContext, request.prompt, ...problems]),
        };
        const scripted = await answer(call, signal);
        records.push(await record(request, call, scripted, "structured"));
        const parsed = request.schema.safeParse(scripted.value);
        problems = parsed.success ? (request.validate?.(parsed.data) ?? []) : [describeIssues(parsed.error)];
        if (parsed.success && problems.length === 0) return { value: parsed.data, calls: records };
      }
      throw new ModelError(`Agent "${request.agent}" got no valid "${request.toolName}" result after ${replies} repl${replies === 1 ? "y" : "ies"}. Last problem: ${problems.join("; ")}`, {
        code: "structured_output_invalid",
        retryable: false,
        details: { agent: request.agent, toolName: request.toolName, replies },
      });
    },

    async text({ signal, ...request }: TextRequest & CallOptions) {
      const call: RecordedModelCall = {
        kind: "text",
        agent: request.agent,
        system: request.system,
        prompt: request.prompt,
        ...(request.cachedContext !== undefined ? { cachedContext: request.cachedContext } : {}),
        ...(request.file !== undefined ? { file: request.file } : {}),
        ...(request.round !== undefined ? { round: request.round } : {}),
        ...(request.runId !== undefined ? { runId: request.runId } : {}),
        ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
        ...(request.allowEmpty !== undefined ? { allowEmpty: request.allowEmpty } : {}),
        reply: 1,
        problems: [],
        text: describe([request.system, request.cachedContext, request.prompt]),
      };
      const scripted = await answer(call, signal);
      if (typeof scripted.value !== "string") throw new Error(`the recording model's answer for ${request.agent} (${request.file ?? "text"}) must be a string`);
      const entry = await record(request, call, scripted, "text");
      const text = stripWrappingFence(scripted.value);
      if (text.trim() === "" && !request.allowEmpty) {
        throw new ModelError(`The model returned no content for ${request.file !== undefined ? `file "${request.file}" (agent "${request.agent}")` : `agent "${request.agent}"`}`, {
          code: "empty_output",
          retryable: true,
          details: { agent: request.agent, file: request.file },
        });
      }
      return { text, calls: [entry], continuations: 0 };
    },
  };
}
