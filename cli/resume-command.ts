import path from "node:path";
import { parseArgs } from "node:util";
import type { NatsConnection } from "nats";
import { agentRegistry, fleetAgents } from "../agents/registry.ts";
import { loadPipeline } from "../agents/orchestrator/pipeline-loader.ts";
import { resumeRun } from "../agents/orchestrator/resume-run.ts";
import { createRunStore } from "../agents/shared/run-store.ts";
import { totalCost } from "../agents/shared/attempt-costs.ts";
import { readBusConfig } from "../bus/config.ts";
import { connectToBus } from "../bus/connect.ts";
import { readStoredEvents } from "../bus/events.ts";
import { createSubjects } from "../bus/subjects.ts";
import { runRequestSchema, type ResumeOptions } from "../schemas/run.ts";
import { loadScenarioFile } from "../simulator/index.ts";
import type { CommandIo } from "./command-io.ts";
import { withFleetAddress } from "./fleet-address.ts";
import { fleetIsRunning } from "./fleet-discovery.ts";
import { startFleet, type Fleet } from "./fleet.ts";
import { startEnvironment, type Environment } from "./local-environment.ts";
import { cliLogger, parseRunOptions } from "./run-command.ts";
import { submitRun } from "./submit-run.ts";
import { jobIds } from "../bus/job-ids.ts";
import { createArtifactStore } from "../agents/shared/artifact-store.ts";
import { repositorySchema } from "../schemas/repository.ts";
import type { RepositoryCheckout } from "./repository/change-request.ts";
import { commitPassedRun } from "./repository/commit-passed-run.ts";
import { gitIn } from "./repository/git.ts";
import { reopenRepository } from "./repository/reopen-repository.ts";

export const resumeUsage = `usage: asp resume RUN_ID [--from STAGE] [--rounds N] [--budget USD] [--repo PATH] [--json] [--out DIR] [--scenario FILE] [--writers N]
  Continues a run that ended (at its budget, at a gate out of rounds, at a failed stage) as a new attempt of
  the same run: stages and files that completed are not asked of the model again.
  --from STAGE   start at this stage (the failed one or an earlier one); what follows is redone
  --rounds N     give the gate that ran out of rounds N more (default 1)
  --budget USD   a new budget, larger than what the run has spent
  --repo PATH    for a change request (asp run --repo) whose repository moved: where it is now
  A change request that passes is committed on the branch asp/<run id>, as asp run --repo does, in the repository
  the run recorded (or --repo); it must be clean and at the commit the run started from, or nothing is resumed.
  With NATS_URL (or a fleet 'asp up' started here) the fleet resumes it; otherwise the local store under
  ASP_DATA_DIR (default .asp), where 'asp run' left it, is opened and a fleet is started on it.
  Exit codes: 0 the run passed, 1 a gate or the tests failed, 2 an error (unknown run, a run still running, a bad option).
`;

type ParsedResume = { runId: string; options: Omit<ResumeOptions, "attempt">; writers: number };

export function parseResumeArguments(values: { from?: string; rounds?: string; budget?: string; writers?: string }, positionals: string[]): ParsedResume | string {
  if (positionals.length !== 1) return `give exactly one RUN_ID (got ${positionals.length})`;
  const common = parseRunOptions(values);
  if (typeof common === "string") return common;
  let rounds: number | undefined;
  if (values.rounds !== undefined) {
    rounds = Number(values.rounds);
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) return `--rounds must be a whole number from 1 to 20 (got ${values.rounds})`;
  }
  return {
    runId: positionals[0]!,
    writers: common.writers,
    options: { ...(values.from ? { from: values.from } : {}), ...(rounds ? { rounds } : {}), ...(common.budgetUsd ? { budgetUsd: common.budgetUsd } : {}) },
  };
}

export async function resumeCommand(argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        from: { type: "string" },
        rounds: { type: "string" },
        budget: { type: "string" },
        json: { type: "boolean", default: false },
        out: { type: "string" },
        scenario: { type: "string" },
        writers: { type: "string", default: "2" },
        repo: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${resumeUsage}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout.write(resumeUsage);
    return 0;
  }
  const resume = parseResumeArguments(parsed.values, parsed.positionals);
  if (typeof resume === "string") {
    io.stderr.write(`asp resume: ${resume}\n${resumeUsage}`);
    return 2;
  }
  const notice = (line: string) => io.stderr.write(`${line}\n`);
  const logger = cliLogger(env, io);
  const resolvedEnv = await withFleetAddress(env);
  const bus = readBusConfig(resolvedEnv);
  const subjects = createSubjects(bus.namespace);
  let environment: Environment | undefined;
  let connection: NatsConnection | undefined;
  let fleet: Fleet | undefined;
  try {
    const onFleet = Boolean(resolvedEnv.NATS_URL);
    if (onFleet) {
      connection = await connectToBus(bus, { logger, name: "asp-resume" });
      if (!(await fleetIsRunning(connection, subjects))) {
        io.stderr.write(`asp resume: no orchestrator answers on ${bus.natsUrl} (namespace ${bus.namespace}): is the fleet up?\n`);
        return 2;
      }
    } else {
      const scenario = parsed.values.scenario ? await loadScenarioFile(parsed.values.scenario) : undefined;
      environment = await startEnvironment({ bus, env: resolvedEnv, scenario, scenarioPath: parsed.values.scenario, logger, notice });
      connection = environment.connection;
    }
    const state = await createRunStore(connection, subjects).get(resume.runId);
    if (!state) {
      const where = onFleet ? `on ${bus.natsUrl} (namespace ${bus.namespace})` : `in the local store ${path.resolve(bus.dataDir, "nats")}`;
      io.stderr.write(`asp resume: there is no run ${resume.runId} ${where}\n`);
      return 2;
    }
    // The orchestrator applies the same rules; checking here refuses before any fleet is started.
    const pipeline = await loadPipeline(state.pipeline, undefined, { registeredAgents: Object.keys(agentRegistry) });
    const spentUsd = totalCost(await readStoredEvents(connection, subjects, resume.runId));
    const attempt = (state.attempt ?? 1) + 1;
    const plan = resumeRun(state, pipeline, { attempt, ...resume.options }, { spentUsd, now: new Date().toISOString() });
    if (!plan.ok) {
      io.stderr.write(`asp resume: ${plan.error}\n`);
      return 2;
    }
    // A change request commits its result as asp run --repo does; its repository is checked before anything is resumed.
    const recorded = state.outputs.repository === undefined ? undefined : repositorySchema.parse(state.outputs.repository);
    if (parsed.values.repo !== undefined && !recorded) {
      io.stderr.write(`asp resume: run ${resume.runId} is not a change request (asp run --repo): --repo does not apply to it\n`);
      return 2;
    }
    let checkout: RepositoryCheckout | undefined;
    if (recorded) {
      try {
        checkout = await reopenRepository({ runId: resume.runId, recorded, gitAt: gitIn, ...(parsed.values.repo !== undefined ? { override: path.resolve(parsed.values.repo) } : {}) });
      } catch (error) {
        io.stderr.write(`asp resume: ${(error as Error).message}\n`);
        return 2;
      }
    }
    if (environment) {
      notice(`starting the fleet: ${fleetAgents.length} agents and ${resume.writers} file-writer(s)`);
      fleet = await startFleet({ agents: fleetAgents, writers: resume.writers, env: environment.childEnv, logDirectory: path.resolve(bus.dataDir, "logs") });
    }
    notice(`resuming run ${resume.runId} as attempt ${attempt}, from stage ${plan.from}`);
    const request = runRequestSchema.parse({ runId: resume.runId, task: state.task, pipeline: state.pipeline, resume: { attempt, ...resume.options } });
    const submitted = await submitRun({
      connection,
      subjects,
      logger,
      request,
      io,
      json: parsed.values.json,
      jobId: jobIds.run(resume.runId, attempt),
      ...(parsed.values.out ? { out: parsed.values.out } : {}),
    });
    if (checkout) {
      const artifacts = createArtifactStore(connection, subjects);
      await commitPassedRun({ connection, subjects, artifacts, runId: resume.runId, status: submitted.summary.status, checkout, io, json: parsed.values.json });
    }
    return submitted.exitCode;
  } catch (error) {
    io.stderr.write(`asp resume: ${(error as Error).message}\n`);
    return 2;
  } finally {
    await fleet?.stop();
    if (environment) await environment.stop();
    else await connection?.drain().catch(() => undefined);
  }
}
