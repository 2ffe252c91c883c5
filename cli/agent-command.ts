import { agentRegistry } from "../agents/registry.ts";
import { readModelConfig } from "../llm/index.ts";
import { createLogger, readLogLevel } from "../logging/index.ts";
import { applyAgentRuntimeFlags } from "./agent-runtime-settings.ts";
import type { CommandIo } from "./command-io.ts";

/** `asp agent <name>`: one agent as its own process, until SIGTERM/SIGINT drains it. */
export async function agentCommand(argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const name = argv[0];
  const registered = name ? agentRegistry[name] : undefined;
  if (!name || !registered) {
    io.stderr.write(`usage: asp agent <name>\nagents: ${Object.keys(agentRegistry).join(", ")}\n`);
    return 2;
  }
  applyAgentRuntimeFlags();
  // Read once up front so a bad model setting stops the process before it takes any job.
  const modelConfig = readModelConfig(env);
  const level = readLogLevel(env, "info");
  const logger = createLogger({ name, level, secrets: [modelConfig.apiKey] }).child({ agent: name, pid: process.pid });
  await registered.runProcess({ env, logger });
  // The process lives on in its subscriptions; SIGTERM/SIGINT drain it and exit.
  return await new Promise<number>(() => undefined);
}
