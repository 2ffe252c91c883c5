import type { AgentRegistration } from "../bus/define-registration.ts";
import { passwordVariable } from "./nats/permissions.ts";

const passwordReference = (user: string) => `\${${passwordVariable(user)}:?set ${passwordVariable(user)} in deploy/.env}`;

/** The NATS nodes' environment: one password per agent user (the admin's stays hand-written above it). */
export function renderComposePasswords(registrations: readonly AgentRegistration[]): string {
  return registrations.map((registration) => `  ${passwordVariable(registration.name)}: ${passwordReference(registration.name)}`).join("\n");
}

function renderService(registration: AgentRegistration): string {
  const { name, deploy } = registration;
  const lines = [`  ${name}:`, `    <<: *agent`, `    command: ["agent", "${name}"]`];
  if (deploy.pool) lines.push(`    # A pool: \`docker compose up --scale ${name}=N\` changes it live.`);
  if (deploy.replicas !== 1) lines.push(`    deploy:`, `      replicas: ${deploy.replicas}`);
  if (deploy.role === "sandbox") {
    lines.push(
      "    # The sandbox needs root (to drop generated code to `nobody`) and CAP_SYS_ADMIN for",
      "    # `unshare -n -p`; without them it still runs tests, without the private network.",
      "    user: root",
      "    cap_add: [SYS_ADMIN]",
      `    security_opt: ["seccomp=unconfined", "apparmor=unconfined"]`,
    );
  }
  // Generated code never gets the model key within reach.
  const anchors = deploy.role === "sandbox" ? "[*bus]" : "[*bus, *model]";
  lines.push(`    environment:`, `      <<: ${anchors}`, `      NATS_USER: ${name}`, `      NATS_PASS: ${passwordReference(name)}`);
  return lines.join("\n");
}

/** One compose service per agent, each `asp agent <name>` with its own NATS user. */
export function renderComposeServices(registrations: readonly AgentRegistration[]): string {
  return registrations.map(renderService).join("\n");
}
