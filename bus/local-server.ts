import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { Logger } from "pino";
import { BusError } from "../errors/index.ts";

export interface LocalNatsServerOptions {
  /** JetStream store. Reuse it (with a fixed port) to restart a server with its streams intact. */
  dataDir?: string;
  /** -1 (default) lets the server pick a free port. */
  port?: number;
  args?: string[];
  logger?: Logger;
  startTimeoutMs?: number;
}

export interface LocalNatsServer extends AsyncDisposable {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** SIGTERM and wait for the exit (JetStream flushes its store). */
  stop(): Promise<void>;
  /** SIGKILL: a crash, for failure tests. */
  kill(): Promise<void>;
}

export const natsInstallHint =
  "nats-server was not found on PATH or in /usr/sbin. Install it (e.g. `apt-get install -y nats-server`, " +
  "or download a release from https://github.com/nats-io/nats-server/releases) or set NATS_URL to a running server with JetStream.";

export function findNatsServerBinary(pathVariable = process.env.PATH ?? ""): string | undefined {
  const folders = [...pathVariable.split(delimiter).filter(Boolean), "/usr/sbin", "/usr/local/bin", "/usr/bin"];
  for (const folder of folders) {
    const candidate = join(folder, "nats-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

export async function startLocalNatsServer(options: LocalNatsServerOptions = {}): Promise<LocalNatsServer> {
  const binary = findNatsServerBinary();
  if (!binary) throw new BusError(natsInstallHint, { code: "nats_server_missing", retryable: false });
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "asp-nats-")));
  const portsDir = await mkdtemp(join(tmpdir(), "asp-nats-ports-"));
  const args = ["-js", "-sd", dataDir, "-p", String(options.port ?? -1), "-a", "127.0.0.1", "--ports_file_dir", portsDir, ...(options.args ?? [])];
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    // Keep only the tail: enough to explain a failed start, bounded for long-lived servers.
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  let port: number;
  try {
    port = await waitForPort(child, portsDir, options.startTimeoutMs ?? 10_000, () => output);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    await rm(portsDir, { recursive: true, force: true });
    throw error;
  }
  const url = `nats://127.0.0.1:${port}`;
  options.logger?.debug({ url, dataDir, pid: child.pid }, "local nats-server started");

  let finished = false;
  const finish = async (signal: NodeJS.Signals) => {
    if (!finished && child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const forced = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(forced);
    }
    if (finished) return;
    finished = true;
    await rm(portsDir, { recursive: true, force: true });
  };
  const server: LocalNatsServer = {
    url,
    port,
    dataDir,
    process: child,
    stop: () => finish("SIGTERM"),
    kill: () => finish("SIGKILL"),
    async [Symbol.asyncDispose]() {
      await finish("SIGTERM");
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

async function waitForPort(child: ChildProcess, portsDir: string, timeoutMs: number, output: () => string): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new BusError(`nats-server exited during start-up (code ${child.exitCode}): ${output().trim()}`, { retryable: false });
    }
    const files = await readdir(portsDir).catch(() => []);
    const portsFile = files.find((file) => file.endsWith(".ports"));
    if (portsFile) {
      const text = await readFile(join(portsDir, portsFile), "utf8").catch(() => "");
      try {
        const ports = JSON.parse(text) as { nats?: string[] };
        const first = ports.nats?.[0];
        if (first) return Number(new URL(first).port);
      } catch {
        // written but not complete yet
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new BusError(`nats-server did not report its port within ${timeoutMs} ms: ${output().trim()}`, { retryable: false });
}
