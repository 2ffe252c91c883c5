import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderPermissionsConfig } from "./permissions.ts";

/** `npx tsx deploy/nats/generate-permissions.ts [namespace]` rewrites deploy/nats/permissions.conf. */
export const permissionsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), "permissions.conf");

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const namespace = process.argv[2] ?? "asp";
  writeFileSync(permissionsFile, renderPermissionsConfig(namespace));
  process.stdout.write(`wrote ${permissionsFile} for namespace ${namespace}\n`);
}
