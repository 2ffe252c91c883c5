import { parseArgs } from "node:util";
import { readBusConfig } from "../bus/config.ts";
import type { CommandIo } from "./command-io.ts";
import { fleetFilePath, forgetFleet, isAlive, readLiveFleet } from "./fleet-address.ts";
import { existsSync } from "node:fs";

const usage = `usage: asp down [--timeout MS]
  Stops the fleet that asp up (attached or --detach) runs on this machine, as Ctrl-C would: every
  agent drains, then the local nats-server and model server stop, and .asp/fleet.json is removed.
`;

const defaultTimeoutMs = 60_000;

export async function downCommand(argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { timeout: { type: "string", default: String(defaultTimeoutMs) }, help: { type: "boolean", short: "h" } } }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000) {
    io.stderr.write(`--timeout must be a whole number of milliseconds, at least 1000 (got ${values.timeout})\n`);
    return 2;
  }
  const { dataDir } = readBusConfig(env);
  const fleet = await readLiveFleet(dataDir);
  if (!fleet) {
    if (existsSync(fleetFilePath(dataDir))) {
      await forgetFleet(dataDir);
      io.stdout.write(`no fleet is running here; removed the stale ${fleetFilePath(dataDir)}\n`);
    } else {
      io.stdout.write(`no fleet is running here (no ${fleetFilePath(dataDir)})\n`);
    }
    return 0;
  }
  // SIGTERM is asp up's Ctrl-C: it drains every agent within its grace, then stops what it started.
  process.kill(fleet.pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (isAlive(fleet.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(fleet.pid)) {
    process.kill(fleet.pid, "SIGKILL");
    await forgetFleet(dataDir);
    io.stderr.write(`asp down: the fleet (pid ${fleet.pid}) did not stop within ${timeoutMs} ms; killed it. Its agents may need stopping by hand.\n`);
    return 1;
  }
  // asp up removes its record on the way out; a record left behind by a crash is removed here.
  await forgetFleet(dataDir);
  io.stdout.write(`fleet stopped (pid ${fleet.pid}, ${fleet.natsUrl}, namespace ${fleet.namespace})\n`);
  return 0;
}
