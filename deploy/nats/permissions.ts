import { registrations } from "../../agents/registry.ts";
import type { AgentAccess } from "../../bus/define-registration.ts";
import { createSubjects } from "../../bus/subjects.ts";

/**
 * Per-agent NATS permissions, derived from what the runtime (bus/) sends and what each agent's registration declares.
 * The checked-in deploy/nats/permissions.conf is rendered from this file (generate-permissions.ts)
 * and a test keeps the two equal, so a new agent or a new subject cannot silently drift.
 */
export interface SubjectPermissions {
  publish: string[];
  subscribe: string[];
}

export type { AgentAccess };

// Plug-in agents (unknown names) get this: a plug-in reviewer calls the model, and submits no jobs.
const noAccess: AgentAccess = { calls: [], writesKeyValue: [], listsKeyValue: [], callsModel: true };

/** Who calls whom and what else each built-in agent touches, as its registration (agents/<folder>/registration.ts) says. */
export const agentAccess: Readonly<Record<string, AgentAccess>> = Object.fromEntries(registrations.map((registration) => [registration.name, registration.access]));

/** What every agent process needs, whatever it does: the runtime of bus/run-agent.ts. */
export function runtimePermissions(namespace: string, agent: string): SubjectPermissions {
  const subjects = createSubjects(namespace);
  const jobs = subjects.jobsStream;
  const runs = `KV_${subjects.runsBucket}`;
  const artifacts = `OBJ_${subjects.artifactsBucket}`;
  return {
    publish: [
      // jetstreamManager() asks for the account info; ensureResources and the KV/object views look streams up.
      "$JS.API.INFO",
      // Object-store reads subscribe by subject, and the client looks the stream up by it.
      "$JS.API.STREAM.NAMES",
      `$JS.API.STREAM.INFO.${jobs}`,
      `$JS.API.STREAM.INFO.${subjects.resultsStream}`,
      `$JS.API.STREAM.INFO.${subjects.eventsStream}`,
      `$JS.API.STREAM.INFO.KV_${subjects.runsBucket}`,
      `$JS.API.STREAM.INFO.KV_${subjects.historyBucket}`,
      `$JS.API.STREAM.INFO.${artifacts}`,
      // ensureResources looks every bucket up at start-up, this one too, whether or not the agent calls the model.
      `$JS.API.STREAM.INFO.KV_${subjects.rateLimitsBucket}`,
      // Its own durable pull consumer only: create/update (old and new API), look up, pull.
      `$JS.API.CONSUMER.INFO.${jobs}.${agent}`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${jobs}.${agent}`,
      `$JS.API.CONSUMER.CREATE.${jobs}.${agent}`,
      `$JS.API.CONSUMER.CREATE.${jobs}.${agent}.>`,
      `$JS.API.CONSUMER.MSG.NEXT.${jobs}.${agent}`,
      // ack, nak, term and working() go to the delivery's reply subject.
      `$JS.ACK.${jobs}.${agent}.>`,
      // Results and events under its own agent token only.
      `${namespace}.results.*.${agent}.*`,
      `${namespace}.events.*.${agent}.>`,
      // "Taken" signals for its callers' work timeouts (bus/job-deadline.ts).
      `${namespace}.job-taken.*.${agent}.*`,
      // A redelivered job first looks for its stored result; the dead-letter listener reads and removes the exhausted job.
      `$JS.API.STREAM.MSG.GET.${subjects.resultsStream}`,
      `$JS.API.STREAM.MSG.GET.${jobs}`,
      `$JS.API.STREAM.MSG.DELETE.${jobs}`,
      // The budget guard reads the run's state and the run's stored events (message gets from the
      // stream leader); a followed replay (the orchestrator's gate decisions) tails with an ordered consumer.
      `$JS.API.DIRECT.GET.${runs}.$KV.${subjects.runsBucket}.>`,
      `$JS.API.STREAM.MSG.GET.${runs}`,
      `$JS.API.STREAM.MSG.GET.${subjects.eventsStream}`,
      `$JS.API.CONSUMER.CREATE.${subjects.eventsStream}`,
      `$JS.API.CONSUMER.CREATE.${subjects.eventsStream}.>`,
      `$JS.API.CONSUMER.INFO.${subjects.eventsStream}.>`,
      `$JS.API.CONSUMER.DELETE.${subjects.eventsStream}.>`,
      `$JS.API.CONSUMER.MSG.NEXT.${subjects.eventsStream}.>`,
      // Payloads over max_payload and generated files go to the object store.
      `$O.${subjects.artifactsBucket}.>`,
      `$JS.API.STREAM.MSG.GET.${artifacts}`,
      `$JS.API.DIRECT.GET.${artifacts}.>`,
      // Replacing an object purges its old chunks; reading one is message gets (bus/object-reader.ts).
      `$JS.API.STREAM.PURGE.${artifacts}`,
      "$JS.FC.>",
    ],
    subscribe: [
      // Replies to its own requests (JetStream API, pulls, publish acks) arrive on its inbox.
      "_INBOX.>",
      // Service discovery: $SRV.<verb>, $SRV.<verb>.<name>, $SRV.<verb>.<name>.<id>.
      "$SRV.PING",
      "$SRV.INFO",
      "$SRV.STATS",
      `$SRV.*.${agent}`,
      `$SRV.*.${agent}.*`,
      subjects.direct(agent),
      subjects.jobStats(agent),
      `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${jobs}.${agent}`,
      // The budget guard's live tap of spending.
      `${namespace}.events.*.*.llm.call`,
      // Callers that gave up one of its jobs.
      `${namespace}.job-cancel.*.${agent}.*`,
    ],
  };
}

export function agentPermissions(namespace: string, agent: string, access: AgentAccess = agentAccess[agent] ?? noAccess): SubjectPermissions {
  const subjects = createSubjects(namespace);
  const base = runtimePermissions(namespace, agent);
  const publish = [...base.publish];
  const subscribe = [...base.subscribe];
  const callees = access.calls === "all" ? [">"] : access.calls;
  for (const callee of callees) {
    publish.push(`${namespace}.jobs.${callee}`);
    subscribe.push(callee === ">" ? `${namespace}.results.>` : `${namespace}.results.*.${callee}.*`);
    // It cancels the jobs it gives up, and starts a job's timeout when a worker takes it.
    publish.push(callee === ">" ? `${namespace}.job-cancel.>` : `${namespace}.job-cancel.*.${callee}.*`);
    subscribe.push(callee === ">" ? `${namespace}.job-taken.>` : `${namespace}.job-taken.*.${callee}.*`);
  }
  if (access.callsModel) {
    // Compare-and-set reads and writes of one key per model (llm/fleet-rate-limit/usage-state-store.ts).
    const stream = `KV_${subjects.rateLimitsBucket}`;
    publish.push(
      `$KV.${subjects.rateLimitsBucket}.>`,
      `$JS.API.DIRECT.GET.${stream}.$KV.${subjects.rateLimitsBucket}.>`,
      `$JS.API.STREAM.MSG.GET.${stream}`,
    );
  }
  for (const bucket of access.writesKeyValue) {
    const name = bucket === "runs" ? subjects.runsBucket : subjects.historyBucket;
    publish.push(`$KV.${name}.>`);
  }
  for (const bucket of access.listsKeyValue) {
    const name = bucket === "runs" ? subjects.runsBucket : subjects.historyBucket;
    const stream = `KV_${name}`;
    publish.push(`$JS.API.DIRECT.GET.${stream}.>`, `$JS.API.STREAM.MSG.GET.${stream}`);
  }
  const expand = (subject: string) => subject.replaceAll("{ns}", namespace);
  publish.push(...(access.extra?.publish ?? []).map(expand));
  subscribe.push(...(access.extra?.subscribe ?? []).map(expand));
  return { publish: unique(publish), subscribe: unique(subscribe) };
}

/** The environment variable that holds an agent's password when nats-server reads the config. */
export function passwordVariable(user: string): string {
  return `ASP_NATS_PASSWORD_${user.toUpperCase().replace(/-/g, "_")}`;
}

const quoted = (subject: string) => JSON.stringify(subject);
const list = (subjects: string[], indent: string) => `[\n${subjects.map((subject) => `${indent}  ${quoted(subject)}`).join("\n")}\n${indent}]`;

/**
 * The accounts block: one account with JetStream, an `admin` user (the CLI, resource setup) that may
 * do anything, and one user per agent. Passwords are environment references, never in the file.
 */
export function renderPermissionsConfig(namespace: string, agents: string[] = Object.keys(agentAccess)): string {
  const users = agents.map((agent) => {
    const permissions = agentPermissions(namespace, agent);
    return [
      `      {`,
      `        user: ${quoted(agent)}`,
      `        password: $${passwordVariable(agent)}`,
      `        permissions: {`,
      `          publish: { allow: ${list(permissions.publish, "          ")} }`,
      `          subscribe: { allow: ${list(permissions.subscribe, "          ")} }`,
      `          # Service requests ($SRV, <ns>.direct.<agent>) are answered on the requester's inbox.`,
      `          allow_responses: true`,
      `        }`,
      `      }`,
    ].join("\n");
  });
  return [
    `# Generated by deploy/nats/generate-permissions.ts for namespace "${namespace}"; do not edit by hand.`,
    `# Passwords come from the server's environment (${passwordVariable("admin")}, ${passwordVariable("file-writer")}, ...).`,
    `accounts {`,
    `  ASP {`,
    `    jetstream: enabled`,
    `    users: [`,
    `      { user: "admin", password: $${passwordVariable("admin")} }`,
    ...users,
    `    ]`,
    `  }`,
    `}`,
    ``,
  ].join("\n");
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
