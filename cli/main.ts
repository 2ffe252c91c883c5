import { processIo, type CommandIo } from "./command-io.ts";

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

/**
 * Each command is imported when it runs: in the build every command is its own chunk, so `asp run`
 * does not parse the dashboard, the MCP server or the simulator (decision 1411).
 */
export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run":
        return await (await import("./run-command.ts")).runCommand(rest, io);
      case "agent":
        return await (await import("./agent-command.ts")).agentCommand(rest, io);
      case "up":
        return await (await import("./up-command.ts")).upCommand(rest, io);
      case "down":
        return await (await import("./down-command.ts")).downCommand(rest, io);
      case "submit":
        return await (await import("./submit-command.ts")).submitCommand(rest, io);
      case "resume":
        return await (await import("./resume-command.ts")).resumeCommand(rest, io);
      case "approve":
      case "reject":
        return await (await import("./gate-command.ts")).gateCommand(command, rest, io);
      case "sim":
        return await (await import("../simulator/index.ts")).simCommand(rest, io);
      case "watch":
        return await (await import("./watch/watch-command.ts")).watchCommand(rest, io);
      case "agents":
        return await (await import("./agents-command.ts")).agentsCommand(rest, io);
      case "call":
        return await (await import("./call-command.ts")).callCommand(rest, io);
      case "runs":
      case "show":
      case "stats":
        return await (await import("./history-commands.ts")).historyCommand(command, rest, io);
      case "dashboard":
        return await (await import("./dashboard/dashboard-command.ts")).dashboardCommand(rest, io);
      case "mcp":
        return await (await import("./mcp/mcp-command.ts")).mcpCommand(rest, io);
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
