import { parseArgs } from "node:util";
import { readBusConfig } from "../bus/config.ts";
import { connectToBus } from "../bus/connect.ts";
import { createSubjects } from "../bus/subjects.ts";
import type { CommandIo } from "./command-io.ts";
import { withFleetAddress } from "./fleet-address.ts";
import { fleetIsRunning } from "./fleet-discovery.ts";
import { cliLogger, parseRunOptions, resolveTask } from "./run-command.ts";
import { newRunRequest, noFleetAddressMessage, noOrchestratorMessage } from "./submit-request.ts";
import { submitRun } from "./submit-run.ts";

const usage = `usage: asp submit TASK [--out DIR] [--json] [--pipeline NAME|PATH] [--budget USD]
  Submits a task (a YAML/JSON file, or words) to a running fleet (NATS_URL, or the one 'asp up'
  started here) and follows it. --pipeline is a name in the orchestrator's ASP_PIPELINES_DIR, or a
  pipeline file: the fleet's orchestrator reads it, so a relative path is made absolute here first.
  The model server is the fleet's: choose a scenario when starting it (asp up --scenario FILE).
`;

export async function submitCommand(argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { scenario: { type: "string" }, out: { type: "string" }, json: { type: "boolean", default: false }, pipeline: { type: "string", default: "default" }, budget: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  if (values.scenario) {
    // The fleet's model server was chosen when the fleet started; a submitted run cannot swap it.
    io.stderr.write("asp submit: --scenario cannot change the model server of a running fleet: its agents use the one they were started with (asp up --scenario FILE). Give the task as a file or words.\n");
    return 2;
  }
  const options = parseRunOptions(values);
  if (typeof options === "string") {
    io.stderr.write(`${options}\n`);
    return 2;
  }
  const resolvedEnv = await withFleetAddress(env);
  if (!resolvedEnv.NATS_URL) {
    io.stderr.write(`asp submit: ${noFleetAddressMessage}\n`);
    return 2;
  }
  const logger = cliLogger(env, io);
  const bus = readBusConfig(resolvedEnv);
  const subjects = createSubjects(bus.namespace);
  let connection;
  try {
    const task = await resolveTask(positionals, undefined, undefined);
    if (!task) {
      io.stderr.write(`no task: give a task file or words\n${usage}`);
      return 2;
    }
    connection = await connectToBus(bus, { logger, name: "asp-submit" });
    if (!(await fleetIsRunning(connection, subjects))) {
      io.stderr.write(`asp submit: ${noOrchestratorMessage(bus.natsUrl, bus.namespace)}\n`);
      return 2;
    }
    const request = newRunRequest(task, { pipeline: values.pipeline, ...(options.budgetUsd ? { budgetUsd: options.budgetUsd } : {}) });
    io.stderr.write(`submitted run ${request.runId}\n`);
    return (await submitRun({ connection, subjects, logger, request, io, json: values.json, ...(values.out ? { out: values.out } : {}) })).exitCode;
  } catch (error) {
    io.stderr.write(`asp submit: ${(error as Error).message}\n`);
    return 2;
  } finally {
    await connection?.drain().catch(() => undefined);
  }
}
