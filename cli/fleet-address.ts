import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

/**
 * `asp up` without NATS_URL starts a local nats-server on a free port; it records where in
 * `<dataDir>/fleet.json`, so `asp submit`, `asp watch` and friends on the same machine find it.
 */
const fleetFileSchema = z.object({ natsUrl: z.string(), namespace: z.string(), pid: z.number().int() });
export type FleetFile = z.infer<typeof fleetFileSchema>;

export const fleetFilePath = (dataDir: string) => path.resolve(dataDir, "fleet.json");

export async function recordFleet(dataDir: string, fleet: FleetFile): Promise<void> {
  await mkdir(path.resolve(dataDir), { recursive: true });
  await writeFile(fleetFilePath(dataDir), `${JSON.stringify(fleet)}\n`);
}

export async function forgetFleet(dataDir: string): Promise<void> {
  await rm(fleetFilePath(dataDir), { force: true });
}

/** The environment with NATS_URL filled in from a local fleet's record when the user gave none. */
export async function withFleetAddress(env: Record<string, string | undefined>): Promise<Record<string, string | undefined>> {
  if (env.NATS_URL) return env;
  const file = fleetFilePath(env.ASP_DATA_DIR || ".asp");
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (!text) return env;
  const parsed = fleetFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return env;
  let alive = true;
  try {
    process.kill(parsed.data.pid, 0);
  } catch {
    alive = false;
  }
  return alive ? { ...env, NATS_URL: parsed.data.natsUrl, ASP_NAMESPACE: env.ASP_NAMESPACE || parsed.data.namespace } : env;
}
