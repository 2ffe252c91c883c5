/**
 * A child process for the deprecation-warning test: one normal text call and one structured call
 * through the real SDK against a simulator, with the default model unless CALL_MODEL names one.
 * Prints the results as one JSON line on stdout; whatever the SDK warns goes to stderr.
 */
import { z } from "zod";
import { createModelClient } from "../../../llm/client.ts";
import { readModelConfig } from "../../../llm/config.ts";
import { createLogger } from "../../../logging/logger.ts";
import { startModelSimulator } from "../../../simulator/index.ts";

const model = process.env["CALL_MODEL"];
await using simulator = await startModelSimulator({
  scenario: { name: "deprecation", agents: { planning: { title: "t" } }, files: { "a.py": "print('a')\n" } },
});
const config = readModelConfig({
  ANTHROPIC_API_KEY: "sk-ant-test-child",
  ASP_LLM_BASE_URL: simulator.url,
  ...(model !== undefined ? { ASP_MODEL: model } : {}),
});
const client = createModelClient(config, { logger: createLogger({ name: "child", level: "silent" }), clock: { now: () => performance.now() } });
const text = await client.text({ agent: "file-writer", file: "a.py", system: "s", prompt: "p" });
const structured = await client.structured({ agent: "planning", schema: z.object({ title: z.string() }), toolName: "record", system: "s", prompt: "p" });
process.stdout.write(`${JSON.stringify({ model: config.model, text: text.text, value: structured.value })}\n`);
