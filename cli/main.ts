import { simCommand } from "../simulator/index.ts";
import { agentCommand } from "./agent-command.ts";
import { agentsCommand } from "./agents-command.ts";
import { dashboardCommand } from "./dashboard/dashboard-command.ts";
import { historyCommand } from "./history-commands.ts";
import { watchCommand } from "./watch/watch-command.ts";
import { processIo, type CommandIo } from "./command-io.ts";
import { runCommand } from "./run-command.ts";
import { upCommand } from "./up-command.ts";
import { submitCommand } from "./submit-command.ts";
import { gateCommand } from "./gate-command.ts";
import { resumeCommand } from "./resume-command.ts";
import { callCommand } from "./call-command.ts";
import { downCommand } from "./down-command.ts";
import { mcpCommand } from "./mcp/mcp-command.ts";

const help = `asp — an agentic software process (PSP) on NATS

usage: asp <command> [options]

commands:
  run [TASK]      run a task end to end: plan, design, review, code, review, test, postmortem
  up              start the whole fleet and keep it running (--writers N, --detach for the background)
  down            stop the fleet asp up runs on this machine
  submit [TASK]   submit a task to a running fleet and follow it
  resume RUN      continue a run that ended, as a new attempt (--from STAGE, --rounds N, --budget USD)
  approve RUN GATE / reject RUN GATE   decide a run waiting at a human gate (--note TEXT)
  agent <name>    run one agent as its own process (what deploy/ uses)
  sim             serve the local model server (Anthropic Messages API) from a scenario file
  watch [RUN]     live view of a run (or all runs) from the events stream; --json for NDJSON
  agents          agents and instances of the running fleet ($SRV INFO + STATS)
  call AGENT JSON send one input to one agent of the running fleet and print its output
  runs            history of runs: status, verdicts, cost, time, files
  show RUN        one run in detail
  stats           PSP trends across runs: estimate accuracy, defect density, yield, cost
  dashboard       web dashboard of the running fleet (--port N)
  mcp             a Model Context Protocol server on stdio, for coding assistants (docs/mcp.md)

Without ANTHROPIC_API_KEY the local model server stands in for Claude; without NATS_URL a local
nats-server with JetStream is started under .asp/. Run 'asp <command> --help' for its options.
`;

export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run":
        return await runCommand(rest, io);
      case "agent":
        return await agentCommand(rest, io);
      case "up":
        return await upCommand(rest, io);
      case "down":
        return await downCommand(rest, io);
      case "submit":
        return await submitCommand(rest, io);
      case "resume":
        return await resumeCommand(rest, io);
      case "approve":
      case "reject":
        return await gateCommand(command, rest, io);
      case "sim":
        return await simCommand(rest, io);
      case "watch":
        return await watchCommand(rest, io);
      case "agents":
        return await agentsCommand(rest, io);
      case "call":
        return await callCommand(rest, io);
      case "runs":
      case "show":
      case "stats":
        return await historyCommand(command, rest, io);
      case "dashboard":
        return await dashboardCommand(rest, io);
      case "mcp":
        return await mcpCommand(rest, io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(help);
        return 0;
      default:
        io.stderr.write(`unknown command "${command}"\n\n${help}`);
        return 2;
    }
  } catch (error) {
    io.stderr.write(`asp ${command}: ${(error as Error).message}\n`);
    return 2;
  }
}

const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
