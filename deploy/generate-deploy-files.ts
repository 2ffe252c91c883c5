import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { registrations } from "../agents/registry.ts";
import { replaceGeneratedBlock } from "./generated-block.ts";
import { withPermissionsBlock } from "./nats/generate-permissions.ts";
import { renderPermissionsConfig } from "./nats/permissions.ts";
import { renderComposePasswords, renderComposeServices } from "./render-compose-agents.ts";
import { renderKubernetesAgents, renderKubernetesPasswords, renderPasswordExamples } from "./render-kubernetes-agents.ts";

/**
 * `npx tsx deploy/generate-deploy-files.ts` rewrites every deploy file that lists agents, from the registrations
 * of agents/registry.ts: the NATS permissions, compose's services and passwords, the Kubernetes Deployments
 * and the NATS pods' password environment, and both password examples. tests/deploy/generated-deploy-files.test.ts
 * keeps the checked-in files equal to this, so a new agent is a registration, not six hand edits.
 */
export const deployDirectory = path.dirname(fileURLToPath(import.meta.url));

export interface GeneratedFile {
  /** Relative to deploy/. */
  file: string;
  text: string;
}

/** What each generated file should hold, given the hand-written parts it holds now. */
export function generateDeployFiles(directory = deployDirectory, namespace = "asp"): GeneratedFile[] {
  const read = (file: string) => readFileSync(path.join(directory, file), "utf8");
  const permissions = renderPermissionsConfig(namespace);
  const block = (file: string, name: string, content: string) => replaceGeneratedBlock(read(file), name, content, file);
  const passwords = renderPasswordExamples(registrations);
  let compose = block("compose.yaml", "agent passwords", renderComposePasswords(registrations));
  compose = replaceGeneratedBlock(compose, "agent services", renderComposeServices(registrations), "compose.yaml");
  return [
    { file: "nats/permissions.conf", text: permissions },
    { file: "k8s/nats-config.yaml", text: withPermissionsBlock(read("k8s/nats-config.yaml"), permissions) },
    { file: "compose.yaml", text: compose },
    { file: ".env.example", text: block(".env.example", "agent passwords", passwords) },
    { file: "k8s/agents.yaml", text: renderKubernetesAgents(registrations) },
    { file: "k8s/nats.yaml", text: block("k8s/nats.yaml", "agent passwords", renderKubernetesPasswords(registrations)) },
    { file: "k8s/nats-passwords.env.example", text: block("k8s/nats-passwords.env.example", "agent passwords", passwords) },
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const { file, text } of generateDeployFiles()) writeFileSync(path.join(deployDirectory, file), text);
  process.stdout.write(`wrote the deploy files of ${registrations.length} agents under ${deployDirectory}\n`);
}
