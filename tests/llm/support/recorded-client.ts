import { Writable } from "node:stream";
import { createModelClient, type ModelClient } from "../../../llm/client.ts";
import { readModelConfig } from "../../../llm/config.ts";
import { createLogger } from "../../../logging/logger.ts";
import type { LlmCallRecord } from "../../../schemas/llm-call.ts";
import { startRecordingServer, type CannedReply, type RecordingServer } from "./recording-server.ts";

export interface RecordedClient extends AsyncDisposable {
  client: ModelClient;
  server: RecordingServer;
  records: LlmCallRecord[];
  /** Parsed log lines of the client's logger. */
  logs: Array<Record<string, unknown>>;
}

/** The real client and SDK over HTTP against a recording server that answers with `replies`. */
export async function startRecordedClient(replies: CannedReply[], env: Record<string, string> = {}): Promise<RecordedClient> {
  const server = await startRecordingServer(replies);
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n")) if (line.trim() !== "") logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const config = readModelConfig({ ANTHROPIC_API_KEY: "sk-ant-test-recorded", ASP_LLM_BASE_URL: server.url, ASP_LLM_MAX_ATTEMPTS: "1", ...env });
  const records: LlmCallRecord[] = [];
  const client = createModelClient(config, {
    logger: createLogger({ name: "recorded", level: "info", destination }),
    clock: { now: () => 0 },
    onCall: (record) => void records.push(record),
  });
  return { client, server, records, logs, [Symbol.asyncDispose]: () => server[Symbol.asyncDispose]() };
}
