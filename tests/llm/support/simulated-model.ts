import { Writable } from "node:stream";
import { createLogger } from "../../../logging/logger.ts";
import { createModelClient, type ModelClient, type ModelClientDeps } from "../../../llm/client.ts";
import { readModelConfig } from "../../../llm/config.ts";
import type { LlmCallRecord } from "../../../schemas/llm-call.ts";
import { startModelSimulator, type ModelSimulator, type ScenarioInput } from "../../../simulator/index.ts";

export interface SimulatedModel extends AsyncDisposable {
  client: ModelClient;
  simulator: ModelSimulator;
  records: LlmCallRecord[];
  logLines: string[];
  apiKey: string;
  sleeps: number[];
}

export interface SimulatedModelOptions {
  scenario: ScenarioInput;
  streaming?: boolean;
  maxAttempts?: number;
  env?: Record<string, string>;
  /** The simulator's fault seed (default 7). */
  seed?: number;
  beforeCall?: ModelClientDeps["beforeCall"];
}

/** A model client wired to a real simulator over HTTP through the real SDK, logs captured. */
export async function startSimulatedModel(options: SimulatedModelOptions): Promise<SimulatedModel> {
  const apiKey = `sk-ant-test-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const simulator = await startModelSimulator({ scenario: options.scenario, port: 0, seed: options.seed ?? 7, requireApiKey: apiKey });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ name: "llm-test", level: "debug", destination, secrets: [apiKey] });
  const config = readModelConfig({
    ANTHROPIC_API_KEY: apiKey,
    ASP_LLM_BASE_URL: simulator.url,
    ASP_LLM_STREAMING: String(options.streaming ?? true),
    ASP_LLM_MAX_ATTEMPTS: String(options.maxAttempts ?? 4),
    ASP_LLM_RETRY_BASE_MS: "1",
    ASP_LLM_RETRY_MAX_MS: "5",
    ASP_LLM_TIMEOUT_MS: "10000",
    // No ASP_MODEL: these tests run on the default model unless a test names another.
    ...options.env,
  });
  const records: LlmCallRecord[] = [];
  const sleeps: number[] = [];
  const client = createModelClient(config, {
    logger,
    clock: { now: () => performance.now() },
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
      await new Promise((resolve) => setTimeout(resolve, milliseconds));
    },
    onCall: (record) => {
      records.push(record);
    },
    ...(options.beforeCall ? { beforeCall: options.beforeCall } : {}),
  });
  return {
    client,
    simulator,
    records,
    logLines,
    apiKey,
    sleeps,
    [Symbol.asyncDispose]: () => simulator.close(),
  };
}
