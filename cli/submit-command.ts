import { parseArgs } from "node:util";
import { readBusConfig } from "../bus/config.ts";
import { connectToBus } from "../bus/connect.ts";
import { createSubjects } from "../bus/subjects.ts";
import { runRequestSchema } from "../schemas/run.ts";
import { loadScenarioFile } from "../simulator/index.ts";
import type { CommandIo } from "./command-io.ts";
import { withFleetAddress } from "./fleet-address.ts";
import { fleetIsRunning } from "./fleet-discovery.ts";
import { cliLogger, newRunId, parseRunOptions, resolveTask } from "./run-command.ts";
import { submitRun } from "./submit-run.ts";

const usage = `usage: asp submit [TASK] [--scenario FILE] [--out DIR] [--json] [--pipeline NAME] [--budget USD]
  Submits a task to a running fleet (NATS_URL, or the one 'asp up' started here) and follows it.
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
  const options = parseRunOptions(values);
  if (typeof options === "string") {
    io.stderr.write(`${options}\n`);
    return 2;
  }
  const resolvedEnv = await withFleetAddress(env);
  if (!resolvedEnv.NATS_URL) {
    io.stderr.write("asp submit: no fleet to submit to: set NATS_URL, or start one here with 'asp up'\n");
    return 2;
  }
  const logger = cliLogger(env, io);
  const bus = readBusConfig(resolvedEnv);
  const subjects = createSubjects(bus.namespace);
  let connection;
  try {
    const scenario = values.scenario ? await loadScenarioFile(values.scenario) : undefined;
    const task = await resolveTask(positionals, scenario, values.scenario);
    if (!task) {
      io.stderr.write(`no task: give a task file or words, or a --scenario that carries a task\n${usage}`);
      return 2;
    }
    connection = await connectToBus(bus, { logger, name: "asp-submit" });
    if (!(await fleetIsRunning(connection, subjects))) {
      io.stderr.write(`asp submit: no orchestrator answers on ${bus.natsUrl} (namespace ${bus.namespace}): is the fleet up?\n`);
      return 2;
    }
    const request = runRequestSchema.parse({ runId: newRunId(new Date(), task), task, pipeline: values.pipeline, ...(options.budgetUsd ? { budgetUsd: options.budgetUsd } : {}) });
    io.stderr.write(`submitted run ${request.runId}\n`);
    return (await submitRun({ connection, subjects, logger, request, io, json: values.json, ...(values.out ? { out: values.out } : {}) })).exitCode;
  } catch (error) {
    io.stderr.write(`asp submit: ${(error as Error).message}\n`);
    return 2;
  } finally {
    await connection?.drain().catch(() => undefined);
  }
}
