import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { readBusConfig } from "../bus/config.ts";
import { createSubjects } from "../bus/subjects.ts";
import { createLogger, readLogLevel } from "../logging/index.ts";
import { runRequestSchema } from "../schemas/run.ts";
import type { Task } from "../schemas/task.ts";
import { loadScenarioFile, type Scenario } from "../simulator/index.ts";
import type { CommandIo } from "./command-io.ts";
import { startFleet, type Fleet } from "./fleet.ts";
import { fleetIsRunning } from "./fleet-discovery.ts";
import { readLiveFleet } from "./fleet-address.ts";
import { openBus, type BusSession } from "./watch/open-bus.ts";
import { loadTask, parseTask } from "./load-task.ts";
import { startEnvironment, type Environment } from "./local-environment.ts";
import { submitRun } from "./submit-run.ts";
import { createArtifactStore } from "../agents/shared/artifact-store.ts";
import { prepareRepository, storeRepository, type PreparedRepository } from "./repository/change-request.ts";
import { commitPassedRun } from "./repository/commit-passed-run.ts";
import { gitIn } from "./repository/git.ts";
import { pythonSymbolParser } from "./repository/python-symbols.ts";
import { scriptSymbolParser } from "./repository/typescript-symbols.ts";
import { goDocIn, goSymbolParser } from "./repository/go-symbols.ts";

export const runUsage = `usage: asp run [TASK] [--repo PATH] [--scenario FILE] [--out DIR] [--writers N] [--json] [--pipeline NAME|PATH] [--budget USD]
  TASK is a YAML/JSON task file or the task in words; with --scenario it may be left out (the scenario carries it).
  --repo PATH makes the task a change request on that git repository: its files are the base of the run, and a
  run that passes is committed on a new branch asp/<run id>; the current branch and working tree are left as they are.
  Exit codes: 0 the run passed, 1 a gate or the tests failed, 2 an error.
`;

export function newRunId(now: Date, task?: Task): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${task?.id ?? "run"}-${stamp}-${randomBytes(3).toString("hex")}`;
}

export function cliLogger(env: Record<string, string | undefined>, io: CommandIo) {
  return createLogger({
    name: "asp-cli",
    level: readLogLevel(env, "warn"),
    secrets: [env.ANTHROPIC_API_KEY],
    destination: { write: (line: string) => void io.stderr.write(line) },
  });
}

/** Validated run options shared by `asp run` and `asp submit`. */
export function parseRunOptions(values: { writers?: string; budget?: string }): { writers: number; budgetUsd?: number } | string {
  const writers = Number(values.writers ?? "2");
  if (!Number.isInteger(writers) || writers < 1 || writers > 64) return `--writers must be a whole number from 1 to 64 (got ${values.writers})`;
  if (values.budget === undefined) return { writers };
  const budgetUsd = Number(values.budget);
  if (!(budgetUsd > 0)) return `--budget must be a positive number of US dollars (got ${values.budget})`;
  return { writers, budgetUsd };
}

export async function resolveTask(positionals: string[], scenario: Scenario | undefined, scenarioPath: string | undefined): Promise<Task | undefined> {
  const taskArgument = positionals.join(" ");
  if (taskArgument) return loadTask(taskArgument);
  return scenario?.task ? parseTask(scenario.task, scenarioPath ?? "the scenario") : undefined;
}

export async function runCommand(argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        scenario: { type: "string" },
        out: { type: "string" },
        writers: { type: "string", default: "2" },
        json: { type: "boolean", default: false },
        pipeline: { type: "string", default: "default" },
        budget: { type: "string" },
        repo: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${runUsage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(runUsage);
    return 0;
  }
  const options = parseRunOptions(values);
  if (typeof options === "string") {
    io.stderr.write(`${options}\n`);
    return 2;
  }
  const notice = (line: string) => io.stderr.write(`${line}\n`);
  const logger = cliLogger(env, io);

  let environment: Environment | undefined;
  let residentSession: BusSession | undefined;
  let fleet: Fleet | undefined;
  try {
    const scenario = values.scenario ? await loadScenarioFile(values.scenario) : undefined;
    const task = await resolveTask(positionals, scenario, values.scenario);
    if (!task) {
      io.stderr.write(`no task: give a task file or words, or a --scenario that carries a task\n${runUsage}`);
      return 2;
    }
    // Checked before anything is started or written: a dirty working tree is refused here (decision 1201).
    let prepared: PreparedRepository | undefined;
    if (values.repo !== undefined) {
      try {
        prepared = await prepareRepository(path.resolve(values.repo), gitIn);
      } catch (error) {
        io.stderr.write(`asp run: ${(error as Error).message}
`);
        return 2;
      }
    }
    const bus = readBusConfig(env);
    let subjects = createSubjects(bus.namespace);
    let connection;
    const resident = env.NATS_URL ? undefined : await readLiveFleet(bus.dataDir);
    if (resident) {
      // A fleet left running by asp up (--detach) is used as it is: no start-up, and it keeps running.
      const wanted = env.ANTHROPIC_API_KEY || !values.scenario ? null : path.resolve(values.scenario);
      if ((resident.scenario ?? null) !== wanted) {
        io.stderr.write(`asp run: the fleet running here (pid ${resident.pid}) serves ${resident.scenario ? `the scenario ${resident.scenario}` : "no scenario"}, and this run asks for ${wanted ?? "none"}; run with the same --scenario, or stop it with asp down\n`);
        return 2;
      }
      notice(`using the fleet running here (pid ${resident.pid}, ${resident.natsUrl}); it keeps running`);
      residentSession = await openBus(env, "asp-run");
      connection = residentSession.connection;
      subjects = residentSession.subjects;
    } else {
      environment = await startEnvironment({ bus, env, scenario, scenarioPath: values.scenario, logger, notice });
      connection = environment.connection;
    }
    if (resident) {
      // nothing to start
    } else if (env.NATS_URL && (await fleetIsRunning(connection, subjects))) {
      notice(`a fleet is already running on ${environment!.natsUrl}: submitting to it`);
    } else {
      // The registry (every agent's code) only when this run starts its own fleet: a run against a resident one never parses it.
      const { fleetAgents } = await import("../agents/registry.ts");
      notice(`starting the fleet: ${fleetAgents.length} agents and ${options.writers} file-writer(s)`);
      fleet = await startFleet({ agents: fleetAgents, writers: options.writers, env: environment!.childEnv, logDirectory: path.resolve(bus.dataDir, "logs") });
    }
    const runId = newRunId(new Date(), task);
    const artifacts = createArtifactStore(connection, subjects);
    const repository = prepared ? await storeRepository(prepared, runId, artifacts, { python: pythonSymbolParser(), scripts: scriptSymbolParser(), go: goSymbolParser(goDocIn(prepared.root)) }) : undefined;
    const request = runRequestSchema.parse({ runId, task, pipeline: values.pipeline, ...(options.budgetUsd ? { budgetUsd: options.budgetUsd } : {}), ...(repository ? { repository } : {}) });
    const submitted = await submitRun({ connection, subjects, logger, request, io, json: values.json, ...(values.out ? { out: values.out } : {}) });
    if (prepared) await commitPassedRun({ connection, subjects, artifacts, runId, status: submitted.summary.status, checkout: prepared, io, json: values.json });
    return submitted.exitCode;
  } catch (error) {
    io.stderr.write(`asp run: ${(error as Error).message}\n`);
    return 2;
  } finally {
    await fleet?.stop();
    await environment?.stop();
    await residentSession?.close();
  }
}
