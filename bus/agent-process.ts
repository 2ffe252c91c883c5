import type { Tracer } from "@opentelemetry/api";
import { nuid, type NatsConnection } from "nats";
import type { Logger } from "pino";
import { readLogLevel } from "../logging/log-level.ts";
import { agentProcessLogger } from "./agent-logger.ts";
import { readBusConfig, type BusConfig } from "./config.ts";
import { connectToBus } from "./connect.ts";
import type { AgentDefinition } from "./define-agent.ts";
import { readAckWaitOverride } from "./job-consumer.ts";
import { ensureResources, resourcesReadyVariable } from "./resources.ts";
import { runAgent, type RunAgentDependencies, type RunningAgent } from "./run-agent.ts";
import { createSubjects, type Subjects } from "./subjects.ts";
import { startTracing } from "./tracing/start-tracing.ts";
import { readTracingConfig } from "./tracing/tracing-config.ts";
import type { Tracing } from "./tracing/tracing.ts";

/**
 * Set by a fleet (cli/fleet.ts) that starts agents with a pipe on their stdin. A fleet's parent that
 * dies without stopping its agents (SIGKILL, a crash) closes the pipe; its agents then drain and exit
 * instead of living on as orphans that take jobs for a fleet nobody runs any more.
 */
export const exitWithParentVariable = "ASP_EXIT_WITH_PARENT";

/**
 * The one line a fleet sends on that pipe: every process is ready, so an agent may now do what its
 * first job would otherwise pay for (decision 1419). Sent once all are ready, not as each is, so that
 * no agent's warm-up takes CPU from another's start.
 */
export const warmUpLine = "warm-up";
/** What an agent prints on stdout when it has done its warm-up, or had none to do: the fleet paces them by it. */
export const warmedLinePrefix = "asp-agent-warmed";

function listenToParent(stop: () => void, warmUp: () => void, logger: Logger): void {
  const onEnd = () => {
    logger.warn("the process that started this agent is gone (stdin closed); draining and exiting");
    stop();
  };
  process.stdin.once("end", onEnd);
  process.stdin.once("close", onEnd);
  process.stdin.on("error", () => undefined);
  // Reading is also what makes "end" arrive. Any line but the warm-up is ignored.
  let pending = "";
  process.stdin.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    if (lines.some((line) => line.trim() === warmUpLine)) warmUp();
  });
  process.stdin.resume();
}

export interface BuildDepsContext {
  connection: NatsConnection;
  subjects: Subjects;
  logger: Logger;
  config: BusConfig;
  /** This process's tracer (the API's no-op one while tracing is off), for the model client's and job client's spans. */
  tracer: Tracer;
}

export type RunOverrides = Partial<
  Pick<RunAgentDependencies<unknown>, "ackWaitMs" | "maxDeliver" | "backoffMs" | "concurrency" | "pullExpiresMs" | "drainTimeoutMs" | "instanceId">
>;

export interface AgentProcessOptions<D> {
  env?: Record<string, string | undefined>;
  buildDeps(context: BuildDepsContext): D | Promise<D>;
  logger?: Logger;
  run?: RunOverrides;
  /** Exit the process after a signal-triggered drain (default true). */
  exitOnSignal?: boolean;
  /** Run once when the fleet sends the warm-up line (the registration's, decision 1419). */
  warmUp?(deps: D): Promise<void>;
}

export interface AgentProcess {
  agent: RunningAgent;
  connection: NatsConnection;
  tracing: Tracing;
  /** Drain the agent, then the connection. */
  stop(): Promise<void>;
}

function isPermissionError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === "PERMISSIONS_VIOLATION" || /permissions violation/i.test(String((error as Error | undefined)?.message ?? ""));
}

/** The line a supervisor (or a test) waits for before sending work. */
export const readyLinePrefix = "asp-agent-ready";

/**
 * The whole `main` of an agent process: config, connect, resources, run, ready line, and a
 * drain on SIGTERM/SIGINT. An agent's own main only supplies its definition and deps.
 */
export async function runAgentProcess<I, O, D>(
  definition: AgentDefinition<I, O, D>,
  options: AgentProcessOptions<D>,
): Promise<AgentProcess> {
  const env = options.env ?? process.env;
  const ackWaitOverride = readAckWaitOverride(env);
  // Checked even when the main brought its own logger: a misspelt level is a mistake to report, not to ignore.
  readLogLevel(env, "info");
  const logger = options.logger ?? agentProcessLogger(definition.name, env);
  // A stray rejection in library code must not kill a worker holding jobs; log it and carry on.
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled rejection"));

  const config = readBusConfig(env);
  // Read and checked before connecting, as every other setting: a misspelt OTEL_* variable stops the process.
  const tracingConfig = readTracingConfig(env, `asp-${definition.name}`);
  const instanceId = options.run?.instanceId ?? `${definition.name}-${nuid.next().slice(-8)}`;
  const tracing = await startTracing(tracingConfig, { instanceId, serviceVersion: definition.version });
  if (tracing.enabled && tracingConfig.enabled) logger.info({ tracesUrl: tracingConfig.tracesUrl, protocol: tracingConfig.protocol, serviceName: tracingConfig.serviceName }, "tracing on");
  const subjects = createSubjects(config.namespace);
  const connection = await connectToBus(config, { logger, name: `${definition.name}-${process.pid}` });
  // The fleet's starter ensured the streams and buckets once for all of its processes.
  if (env[resourcesReadyVariable] !== "1") {
    await ensureResources(connection, subjects, { replicas: config.jetStreamReplicas }).catch((error: unknown) => {
      // A least-privilege user (deploy/nats/permissions.conf) may not create or update streams: an
      // administrator does that once; the agent goes on and fails later only if something is really missing.
      if (!isPermissionError(error)) throw error;
      logger.warn({ err: error }, "not allowed to create or update the JetStream resources; using them as they are");
    });
  }
  const deps = await options.buildDeps({ connection, subjects, logger, config, tracer: tracing.tracer });
  const ackWait = ackWaitOverride === undefined ? {} : { ackWaitMs: ackWaitOverride };
  const agent = await runAgent(definition, { connection, subjects, logger, deps, tracer: tracing.tracer, ...ackWait, ...options.run, instanceId });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await agent.stop();
      await connection.drain().catch(() => connection.close());
      // Last: the drain's own spans (jobs finished while draining) are in the batch this exports.
      await tracing.shutdown().catch((error: unknown) => logger.warn({ err: error }, "could not export the last spans"));
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "signal received; draining");
    void stop()
      .catch((error: unknown) => logger.error({ err: error }, "drain failed"))
      .finally(() => {
        if (options.exitOnSignal ?? true) process.exit(0);
      });
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  let warming: Promise<void> | undefined;
  const warmUp = () => {
    if (warming) return;
    const started = performance.now();
    warming = (options.warmUp ? options.warmUp(deps) : Promise.resolve())
      .then(
        () => {
          if (options.warmUp) logger.info({ ms: Math.round(performance.now() - started) }, "warmed up for the first job");
        },
        // The first job does the same work and reports its own failure; nothing is lost here.
        (error: unknown) => logger.warn({ err: error }, "warm-up failed; the first job does it instead"),
      )
      .finally(() => process.stdout.write(`${warmedLinePrefix} agent=${definition.name} instance=${agent.instanceId}\n`));
  };
  if (env[exitWithParentVariable] === "1") listenToParent(() => onSignal("SIGTERM"), warmUp, logger);

  process.stdout.write(`${readyLinePrefix} agent=${definition.name} instance=${agent.instanceId} pid=${process.pid}\n`);
  return { agent, connection, tracing, stop };
}
