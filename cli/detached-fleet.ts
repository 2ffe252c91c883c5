import { spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { readLiveFleet, type FleetFile } from "./fleet-address.ts";
import { repositoryRoot } from "./fleet.ts";

/** The `asp` command itself, so the background `asp up` runs from the build like any other (ASP_CLI_RUNNER). */
const commandEntry = path.join(repositoryRoot, "cli", "bin.mjs");
const pollMs = 100;

function tail(file: string, characters = 3000): string {
  try {
    return readFileSync(file, "utf8").slice(-characters);
  } catch {
    return "";
  }
}

/**
 * `asp up --detach`: the same `asp up`, started as a background process of its own session (so a
 * Ctrl-C or a closed terminal does not reach it), writing to a log file. It resolves once that
 * process has recorded its fleet in fleet.json, which it does only when every agent is ready.
 */
export async function startDetachedFleet(options: { upArguments: string[]; env: Record<string, string | undefined>; dataDir: string; readyTimeoutMs?: number }): Promise<{ fleet: FleetFile; logFile: string }> {
  const logDirectory = path.resolve(options.dataDir, "logs");
  mkdirSync(logDirectory, { recursive: true });
  const logFile = path.join(logDirectory, "up.log");
  const output = openSync(logFile, "a");
  const child = spawn(process.execPath, [commandEntry, "up", ...options.upArguments], {
    cwd: process.cwd(),
    env: options.env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ["ignore", output, output],
  });
  let exited: string | undefined;
  child.once("exit", (code, signal) => {
    exited = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  child.unref();
  const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
  for (;;) {
    const fleet = await readLiveFleet(options.dataDir);
    if (fleet && fleet.pid === child.pid) return { fleet, logFile };
    if (exited) throw new Error(`the detached asp up ended (${exited}) before its fleet was up; its log ${logFile} ends with:\n${tail(logFile)}`);
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`the detached asp up was not up within ${Math.round((options.readyTimeoutMs ?? 180_000) / 1000)} s; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
