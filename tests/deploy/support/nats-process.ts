import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export interface ConfiguredNatsServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGTERM (or SIGKILL) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts nats-server from one of the checked-in configs as it is, overriding only the addresses
 * (flags win over the file). It runs in `workDirectory`, so the config's relative store_dir
 * lands there and not in the repository.
 */
export async function startConfiguredNatsServer(options: {
  configFile: string;
  workDirectory: string;
  /** -1: any free port. */
  port?: number;
  args?: string[];
  env?: Record<string, string>;
  startTimeoutMs?: number;
}): Promise<ConfiguredNatsServer> {
  const portsDirectory = await mkdtemp(path.join(tmpdir(), "asp-deploy-ports-"));
  const args = ["-c", options.configFile, "-a", "127.0.0.1", "-p", String(options.port ?? -1), "-m", "0", "--ports_file_dir", portsDirectory, ...(options.args ?? [])];
  const child = spawn("nats-server", args, { cwd: options.workDirectory, env: { ...process.env, ...options.env }, stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = performance.now() + (options.startTimeoutMs ?? 10_000);
  let port: number | undefined;
  try {
    while (port === undefined) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`nats-server exited during start-up: ${output.trim()}`);
      if (performance.now() > deadline) throw new Error(`nats-server did not report its port: ${output.trim()}`);
      const portsFile = (await readdir(portsDirectory)).find((file) => file.endsWith(".ports"));
      const text = portsFile ? await readFile(path.join(portsDirectory, portsFile), "utf8").catch(() => "") : "";
      const first = text ? (JSON.parse(text) as { nats?: string[] }).nats?.[0] : undefined;
      if (first) port = Number(new URL(first).port);
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    child.kill("SIGKILL");
    await rm(portsDirectory, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    process: child,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const forced = setTimeout(() => child.kill("SIGKILL"), 8000);
        await exited;
        clearTimeout(forced);
      }
      await rm(portsDirectory, { recursive: true, force: true });
    },
  };
}
