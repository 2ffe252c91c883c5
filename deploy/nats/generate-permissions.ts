import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderPermissionsConfig } from "./permissions.ts";

/**
 * `npx tsx deploy/nats/generate-permissions.ts [namespace]` rewrites deploy/nats/permissions.conf and
 * the copy of it in the Kubernetes ConfigMap (deploy/k8s/nats-config.yaml, its last key).
 */
export const permissionsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), "permissions.conf");
export const configMapFile = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "k8s", "nats-config.yaml");

const configMapKey = "  permissions.conf: |\n";

/** The ConfigMap with its permissions.conf block replaced; that block must be the file's last key. */
export function withPermissionsBlock(configMap: string, permissions: string): string {
  const start = configMap.indexOf(configMapKey);
  if (start < 0) throw new Error(`${configMapFile} has no "permissions.conf: |" key`);
  const indented = permissions.split("\n").map((line) => (line === "" ? "" : `    ${line}`)).join("\n");
  return `${configMap.slice(0, start)}${configMapKey}${indented}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const namespace = process.argv[2] ?? "asp";
  const permissions = renderPermissionsConfig(namespace);
  writeFileSync(permissionsFile, permissions);
  writeFileSync(configMapFile, withPermissionsBlock(readFileSync(configMapFile, "utf8"), permissions));
  process.stdout.write(`wrote ${permissionsFile} and ${configMapFile} for namespace ${namespace}\n`);
}
