import path from "node:path";
import { parseArgs } from "node:util";
import { readBusConfig } from "../bus/config.ts";
import { loadScenarioFile } from "../simulator/index.ts";
import type { CommandIo } from "./command-io.ts";
import { forgetFleet, readLiveFleet, recordFleet } from "./fleet-address.ts";
import { startDetachedFleet } from "./detached-fleet.ts";
import { startFleet } from "./fleet.ts";
import { startEnvironment } from "./local-environment.ts";
import { createSupervisionEvents, supervisionHooks } from "./supervision-notices.ts";
import { createSubjects } from "../bus/subjects.ts";
import { cliLogger, parseRunOptions } from "./run-command.ts";

/** How long each agent may take to drain on Ctrl-C before it is killed. */
const agentDrainGraceMs = 10_000;
/** How long `asp up` may linger after a Ctrl-C shutdown has stopped everything it started. */
const exitLingerMs = 1000;

const usage = `usage: asp up [--writers N] [--scenario FILE] [--detach]
  Starts the whole fleet (every agent as its own process, N file-writers) against NATS_URL or a local
  nats-server, and keeps it running until Ctrl-C. Without ANTHROPIC_API_KEY the local model server
  serves --scenario. An agent that exits is restarted (decision 1400).
  --detach leaves the fleet running in the background (log in .asp/logs/up.log): asp run and asp submit
  use it, asp down stops it.
`;

export async function upCommand(argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env, signals: NodeJS.EventEmitter = process): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { writers: { type: "string", default: "2" }, scenario: { type: "string" }, detach: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } } }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const options = parseRunOptions(values);
  if (typeof options === "string") {
    io.stderr.write(`${options}\n`);
    return 2;
  }
  const notice = (line: string) => io.stderr.write(`${line}\n`);
  const bus = readBusConfig(env);
  // Two fleets on one data folder would share one local nats-server store and one fleet.json.
  const running = await readLiveFleet(bus.dataDir);
  if (running) {
    io.stderr.write(`asp up: a fleet already runs here (pid ${running.pid}, ${running.natsUrl}); stop it with asp down first\n`);
    return 2;
  }
  if (values.detach) {
    try {
      const detached = await startDetachedFleet({ upArguments: argv.filter((argument) => argument !== "--detach"), env, dataDir: bus.dataDir });
      io.stdout.write(`fleet up on ${detached.fleet.natsUrl} (namespace ${detached.fleet.namespace}), detached as pid ${detached.fleet.pid}; log in ${detached.logFile}\n`);
      io.stdout.write(`submit with: asp run <task> or asp submit <task>   stop with: asp down\n`);
      return 0;
    } catch (error) {
      io.stderr.write(`asp up: ${(error as Error).message}\n`);
      return 2;
    }
  }
  // Listen before anything is started or printed: a Ctrl-C at any moment from here on must stop what
  // was started, not find Node's default handler and kill this process mid-way, orphaning its agents.
  let signalName: string | undefined;
  const signalled = new Promise<string>((resolve) => {
    const on = (name: string) => () => resolve((signalName = name));
    signals.once("SIGINT", on("SIGINT"));
    signals.once("SIGTERM", on("SIGTERM"));
  });
  let environment;
  let stopping = false;
  try {
    const scenario = values.scenario ? await loadScenarioFile(values.scenario) : undefined;
    environment = await startEnvironment({ bus, env, scenario, scenarioPath: values.scenario, logger: cliLogger(env, io), notice });
  } catch (error) {
    io.stderr.write(`asp up: ${(error as Error).message}\n`);
    return 2;
  }
  if (signalName) {
    // Ctrl-C while the servers started: there is no fleet yet, so nothing to start only to stop it.
    notice(`${signalName}: draining the fleet`);
    await environment.stop();
    return 0;
  }
  try {
    const supervisionEvents = createSupervisionEvents(environment.connection, createSubjects(bus.namespace), `asp-up-${process.pid}`);
    const hooks = supervisionHooks({ notice, events: supervisionEvents, isStopping: () => stopping });
    // Loaded by the environment already, while nats-server started (cli/local-environment.ts).
    const { fleetAgents } = await import("../agents/registry.ts");
    const fleet = await startFleet({ agents: fleetAgents, writers: options.writers, env: environment.childEnv, logDirectory: path.resolve(bus.dataDir, "logs"), supervise: { hooks } });
    await recordFleet(bus.dataDir, { natsUrl: environment.natsUrl, namespace: bus.namespace, pid: process.pid, scenario: environment.simulator && values.scenario ? path.resolve(values.scenario) : null });
    io.stdout.write(`fleet up on ${environment.natsUrl} (namespace ${bus.namespace}): ${fleet.processes.length} processes, ${options.writers} file-writer(s); logs in ${path.resolve(bus.dataDir, "logs")}\n`);
    io.stdout.write(`submit with: asp submit <task>   watch with: asp watch   stop with Ctrl-C\n`);
    const signal = await signalled;
    stopping = true;
    notice(`${signal}: draining the fleet`);
    // Each agent drains within its grace and is killed after it, so a fleet whose server is gone still stops.
    await fleet.stop(agentDrainGraceMs);
    return 0;
  } catch (error) {
    io.stderr.write(`asp up: ${(error as Error).message}\n`);
    return 2;
  } finally {
    await forgetFleet(bus.dataDir);
    await environment.stop();
    if (stopping && signals === process) {
      // A NATS client whose server went away keeps reconnect timers alive after close(), so the
      // process would outlive its Ctrl-C. Everything it started has stopped by now: end it soon,
      // leaving the exit code set by the caller a moment to be set.
      setTimeout(() => process.exit(), exitLingerMs).unref();
    }
  }
}
