// The entry of out/build/*/agent.mjs: `node agent.mjs NAME`, one agent and nothing else of the CLI,
// so an agent process parses and holds only what it runs.
import { agentCommand } from "../agent-command.ts";
import { processIo } from "../command-io.ts";

process.exitCode = await agentCommand(process.argv.slice(2), processIo, process.env);
