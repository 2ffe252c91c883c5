import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

/**
 * `asp up` without NATS_URL starts a local nats-server on a free port; it records where in
 * `<dataDir>/fleet.json`, so `asp submit`, `asp watch` and friends on the same machine find it.
 */
const fleetFileSchema = z.object({
  natsUrl: z.string(),
  namespace: z.string(),
  pid: z.number().int(),
  /** The scenario its local model server serves (an absolute path), or null when its agents call the real API. */
  scenario: z.string().nullable().optional(),
});
export type FleetFile = z.infer<typeof fleetFileSchema>;

export const fleetFilePath = (dataDir: string) => path.resolve(dataDir, "fleet.json");

export async function recordFleet(dataDir: string, fleet: FleetFile): Promise<void> {
  await mkdir(path.resolve(dataDir), { recursive: true });
  await writeFile(fleetFilePath(dataDir), `${JSON.stringify(fleet)}\n`);
}

export async function forgetFleet(dataDir: string): Promise<void> {
  await rm(fleetFilePath(dataDir), { force: true });
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The record of the fleet `asp up` runs on this machine, if its process is alive; a stale record reads as none. */
export async function readLiveFleet(dataDir: string): Promise<FleetFile | undefined> {
  const text = await readFile(fleetFilePath(dataDir), "utf8").catch(() => undefined);
  if (!text) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = fleetFileSchema.safeParse(json);
  if (!parsed.success || !isAlive(parsed.data.pid)) return undefined;
  return parsed.data;
}

/** The environment with NATS_URL filled in from a local fleet's record when the user gave none. */
export async function withFleetAddress(env: Record<string, string | undefined>): Promise<Record<string, string | undefined>> {
  if (env.NATS_URL) return env;
  const fleet = await readLiveFleet(env.ASP_DATA_DIR || ".asp");
  return fleet ? { ...env, NATS_URL: fleet.natsUrl, ASP_NAMESPACE: env.ASP_NAMESPACE || fleet.namespace } : env;
}
