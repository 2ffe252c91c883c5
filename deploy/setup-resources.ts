import path from "node:path";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { readBusConfig } from "../bus/config.ts";
import { connectToBus, describeAuthentication } from "../bus/connect.ts";
import { ensureResources } from "../bus/resources.ts";
import { createSubjects } from "../bus/subjects.ts";

/**
 * Creates (or updates) every stream and bucket of a namespace, with ASP_JETSTREAM_REPLICAS
 * replicas, as the admin user: least-privilege agents may not create them. Compose runs it as a
 * one-shot service, Kubernetes as a Job:  node --import tsx deploy/setup-resources.ts
 */
export async function setupResources(env: Record<string, string | undefined>, write: (line: string) => void): Promise<number> {
  const logger = pino({ level: "warn" });
  let config;
  try {
    config = readBusConfig(env);
  } catch (error) {
    write(`setup-resources: ${(error as Error).message}`);
    return 2;
  }
  const connection = await connectToBus(config, { logger, name: "asp-setup-resources" }).catch((error: unknown) => {
    write(`setup-resources: ${(error as Error).message}`);
    return undefined;
  });
  if (!connection) return 1;
  try {
    const resources = await ensureResources(connection, createSubjects(config.namespace), { replicas: config.jetStreamReplicas });
    write(
      `setup-resources: namespace ${config.namespace} ready with ${config.jetStreamReplicas} replica(s) as ${describeAuthentication(config)}: ` +
        Object.values(resources).join(", "),
    );
    return 0;
  } catch (error) {
    write(`setup-resources: could not create the JetStream resources: ${(error as Error).message}`);
    return 1;
  } finally {
    await connection.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await setupResources(process.env, (line) => process.stdout.write(`${line}\n`));
}
