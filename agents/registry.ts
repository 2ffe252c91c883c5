import type { AgentRegistration } from "../bus/define-registration.ts";
import { codeReviewRegistration } from "./code-review/registration.ts";
import { codeRegistration } from "./code/registration.ts";
import { designReviewRegistration } from "./design-review/registration.ts";
import { designRegistration } from "./design/registration.ts";
import { fileWriterRegistration } from "./file-writer/registration.ts";
import { orchestratorRegistration } from "./orchestrator/registration.ts";
import { planningRegistration } from "./planning/registration.ts";
import { postmortemRegistration } from "./postmortem/registration.ts";
import { reviewerRegistrations } from "./reviewer/registration.ts";
import { testRegistration } from "./tester/registration.ts";

/**
 * Every built-in agent but the orchestrator, one line each. NATS permissions, the compose and Kubernetes
 * files, docs/agents.md and the pipeline check are all derived from this list (decision 1330).
 */
const builtInAgents: readonly AgentRegistration[] = [
  planningRegistration,
  designRegistration,
  designReviewRegistration,
  ...reviewerRegistrations,
  codeRegistration,
  fileWriterRegistration,
  codeReviewRegistration,
  testRegistration,
  postmortemRegistration,
];

/** The orchestrator first, then the agents it is told about. */
export const registrations: readonly AgentRegistration[] = [orchestratorRegistration(builtInAgents.map((agent) => agent.name)), ...builtInAgents];

/** Every built-in agent by name: `asp agent <name>` runs one of these as its own process. */
export const agentRegistry: Readonly<Record<string, AgentRegistration>> = Object.fromEntries(registrations.map((registration) => [registration.name, registration]));

/** The fleet `asp run` and `asp up` start: one process each; pools (the writers) are started by count. */
export const fleetAgents = registrations.filter((registration) => !registration.deploy.pool).map((registration) => registration.name);
