import { runAgentProcess, type AgentProcess, type AgentProcessOptions, type BuildDepsContext } from "./agent-process.ts";
import type { AgentDefinition } from "./define-agent.ts";
import { jobConsumerSettings, type JobConsumerSettings } from "./job-consumer.ts";

export type KeyValueBucket = "runs" | "history";

/** What an agent may do on the bus beyond the runtime's own subjects; deploy/nats/permissions.ts renders it. */
export interface AgentAccess {
  /** Agents whose jobs it submits (and whose results it waits for); "all" for the orchestrator, which drives plug-ins too. */
  calls: readonly string[] | "all";
  /** KV buckets it reads and writes. */
  writesKeyValue: readonly KeyValueBucket[];
  /** KV buckets it lists (message gets over the bucket's stream, bus/kv-listing.ts). */
  listsKeyValue: readonly KeyValueBucket[];
  /** Whether it calls the model: then it reserves and pauses in the rate-limits bucket (llm/fleet-rate-limit). */
  callsModel: boolean;
  /** Subjects for this agent only; `{ns}` stands for the namespace. */
  extra?: { publish?: readonly string[]; subscribe?: readonly string[] };
}

/** How the deploy files run it (deploy/generate-deploy-files.ts). */
export interface DeployHints {
  /** Copies the deploy files start; more can be added live. */
  replicas: number;
  /** A pool is started by count (`asp up --writers N`) rather than as one process of the fleet. */
  pool: boolean;
  /** "sandbox" runs generated code: root and CAP_SYS_ADMIN for its sandbox, and no model key in reach. */
  role: "agent" | "sandbox";
}

export interface RegistrationOptions<I, O, D> {
  definition: AgentDefinition<I, O, D>;
  /**
   * NoInfer: D comes from the definition alone, so deps that lack something its handler uses fail to
   * type-check here (inferring D from both would widen it to whatever buildDeps happens to return).
   */
  buildDeps(context: BuildDepsContext): NoInfer<D> | Promise<NoInfer<D>>;
  calls?: readonly string[] | "all";
  callsModel: boolean;
  keyValue?: { writes?: readonly KeyValueBucket[]; lists?: readonly KeyValueBucket[] };
  extraSubjects?: AgentAccess["extra"];
  deploy?: Partial<DeployHints>;
  /** What the process may do ahead of its first job when its fleet asks it to (decision 1419). */
  warmUp?(deps: NoInfer<D>): Promise<void>;
}

export type ProcessOptions = Omit<AgentProcessOptions<unknown>, "buildDeps" | "warmUp">;

/**
 * One agent as the registry lists it: checked by defineRegistration, then with its types erased, so a list
 * of agents with different input, output and deps needs no `any`. Permissions, deploy files and docs read it.
 */
export interface AgentRegistration {
  name: string;
  version: string;
  description: string;
  access: AgentAccess;
  deploy: DeployHints;
  /** Its durable consumer's settings before ASP_ACK_WAIT_MS: the fleet's starter creates the consumer with them (decision 1415). */
  jobConsumer: JobConsumerSettings;
  /** Runs it as its own process with the deps its definition was checked against. */
  runProcess(options?: ProcessOptions): Promise<AgentProcess>;
}

const defaultDeploy: DeployHints = { replicas: 1, pool: false, role: "agent" };

/** Everything the core needs to know about a built-in agent, in its own folder (agents/<folder>/registration.ts). */
export function defineRegistration<I, O, D>(options: RegistrationOptions<I, O, D>): AgentRegistration {
  const { definition, buildDeps } = options;
  return Object.freeze({
    name: definition.name,
    version: definition.version,
    description: definition.description ?? "",
    access: {
      calls: options.calls ?? [],
      writesKeyValue: options.keyValue?.writes ?? [],
      listsKeyValue: options.keyValue?.lists ?? [],
      callsModel: options.callsModel,
      ...(options.extraSubjects ? { extra: options.extraSubjects } : {}),
    },
    deploy: { ...defaultDeploy, ...options.deploy },
    jobConsumer: jobConsumerSettings(definition),
    runProcess: (processOptions: ProcessOptions = {}) => runAgentProcess(definition, { ...processOptions, buildDeps, ...(options.warmUp ? { warmUp: options.warmUp } : {}) }),
  });
}
